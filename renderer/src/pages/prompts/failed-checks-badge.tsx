import { Badge, List, Tooltip } from '@mantine/core';
import type { ReplyCheckFailure } from '../../../../main/prompts/api-schemas';
import { plural } from '../../components/format';

export interface FailedChecksBadgeProps {
  count: number;
  /** Failed checks with their messages, shown on hover. The list page has only the count. */
  failures?: ReplyCheckFailure[];
}

/** Shows a warning badge for a generated prompt that failed checks, and nothing when all passed. */
export function FailedChecksBadge({ count, failures }: FailedChecksBadgeProps) {
  if (count === 0) return null;
  const badge = (
    <Badge variant="filled" color="yellow" c="dark" data-testid="failed-checks-badge">
      ⚠ {plural(count, 'check')} failed
    </Badge>
  );
  if (!failures) return badge;

  return (
    <Tooltip
      multiline
      w={360}
      withArrow
      label={
        <List size="xs" spacing={2}>
          {failures.map((failure) => (
            <List.Item key={`${failure.check}:${failure.message}`}>{failure.message}</List.Item>
          ))}
        </List>
      }
    >
      {badge}
    </Tooltip>
  );
}
