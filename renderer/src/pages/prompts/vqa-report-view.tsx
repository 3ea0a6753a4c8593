import { Alert, List, Stack, Text } from '@mantine/core';
import type { VqaReport } from '../../../../main/prompts/api-schemas';
import { formatCount, formatDuration, plural } from '../../components/format';

const listedFailures = 5;

/** Counts, failures and tokens of a finished VQA run. */
export function VqaReportView({ report }: { report: VqaReport }) {
  return (
    <Stack gap={6} data-testid="vqa-report">
      <Text size="sm">
        {plural(report.images, 'image')} with {report.model}: {formatCount(report.answeredImages)} answered, {formatCount(report.upToDateImages)} up to date ·{' '}
        {formatCount(report.answers)} answers ({formatCount(report.unparsedAnswers)} unparsed), {formatCount(report.sentences)} sentences · {formatDuration(report.seconds)}
      </Text>
      {report.promptTokens + report.completionTokens > 0 && (
        <Text size="sm">
          {formatCount(report.promptTokens)} prompt + {formatCount(report.completionTokens)} completion tokens
        </Text>
      )}
      {report.failedImages.length > 0 && (
        <Alert color="red" variant="light" title={`${plural(report.failedImages.length, 'image')} failed; run again to retry them`}>
          <List size="sm">
            {report.failedImages.slice(0, listedFailures).map((failure) => (
              <List.Item key={failure.imageId}>
                Image {failure.imageId}: {failure.message}
              </List.Item>
            ))}
          </List>
          {report.failedImages.length > listedFailures && <Text size="sm">and {formatCount(report.failedImages.length - listedFailures)} more.</Text>}
        </Alert>
      )}
    </Stack>
  );
}
