import { Alert, Group, List, Stack, Text } from '@mantine/core';
import type { GenerationReport } from '../../../../main/prompts/api-schemas';
import { formatCount, formatDuration, formatPersonId, plural } from '../../components/format';

/** Failed requests listed by name before the rest are only counted. */
const listedFailures = 5;

const costFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** Counts, failures and token cost of a finished generation run. */
export function GenerationReportView({ report }: { report: GenerationReport }) {
  const source = report.generator === 'chat' ? `${report.model ?? 'chat model'}, instruction v${report.instructionVersion}` : (report.model ?? 'template');

  return (
    <Stack gap={6} data-testid="generation-report">
      <Text size="sm">
        {plural(report.requested, 'identity', 'identities')} with {source}: {formatCount(report.generated)} generated, {formatCount(report.cached)} from the cache,{' '}
        {formatCount(report.upToDate)} up to date, {formatCount(report.skippedEdited)} kept as analysts edited them, {formatCount(report.withoutAttributes)} without
        attributes · {formatDuration(report.seconds)}
      </Text>
      {report.generator === 'chat' && (
        <Group gap="lg">
          <Text size="sm" data-testid="generation-tokens">
            {formatCount(report.promptTokens)} prompt + {formatCount(report.completionTokens)} completion = {formatCount(report.totalTokens)} tokens
          </Text>
          <Text size="sm" data-testid="generation-cost">
            Estimated cost {costFormat.format(report.estimatedCost)}
            {report.estimatedCost === 0 && report.totalTokens > 0 ? ' (set the prices in Settings)' : ''}
          </Text>
        </Group>
      )}
      {report.failedChecks > 0 && (
        <Alert color="yellow" variant="light" title={`${plural(report.failedChecks, 'prompt')} failed checks and were flagged`}>
          Person ids {report.flaggedPersonIds.map(formatPersonId).join(', ')}. Filter by "Flagged" to review them.
        </Alert>
      )}
      {report.failedRequests.length > 0 && (
        <Alert color="red" variant="light" title={`${plural(report.failedRequests.length, 'request')} failed; run again to retry them`}>
          <List size="sm">
            {report.failedRequests.slice(0, listedFailures).map((failure) => (
              <List.Item key={failure.personId}>
                {formatPersonId(failure.personId)}: {failure.message}
              </List.Item>
            ))}
          </List>
          {report.failedRequests.length > listedFailures && <Text size="sm">and {formatCount(report.failedRequests.length - listedFailures)} more.</Text>}
        </Alert>
      )}
    </Stack>
  );
}
