import { Badge, Group } from '@mantine/core';
import type { PromptRevision } from '../../../../main/prompts/api-schemas';
import { FailedChecksBadge } from './failed-checks-badge';

/** Revision number, how it was made, and the checks it failed. */
export function RevisionBadges({ revision }: { revision: PromptRevision }) {
  return (
    <Group gap={6}>
      <FailedChecksBadge count={revision.failedChecks.length} failures={revision.failedChecks} />
      <Badge variant="outline" color="gray" data-testid="prompt-revision">
        rev. {revision.number}
      </Badge>
      <Badge variant="light">{revision.source}</Badge>
      {revision.generator && (
        <Badge variant="light" color="grape">
          {revision.model ?? revision.generator}
        </Badge>
      )}
    </Group>
  );
}
