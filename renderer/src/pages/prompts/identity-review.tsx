import { Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import type { PromptListItem } from '../../../../main/prompts/api-schemas';
import { formatCount, formatPersonId } from '../../components/format';
import { IdentityPromptView } from './identity-prompt-view';
import { ShortcutHelp } from './shortcut-help';

export interface IdentityReviewProps {
  /** The list entry at `position`; undefined while its page loads. */
  entry: PromptListItem | undefined;
  /** True when the list has loaded and has no entry at `position`. */
  missing: boolean;
  /** Zero-based position in the filtered list. */
  position: number;
  total: number;
  onMove: (position: number) => void;
  onBack: () => void;
}

/** Steps through the filtered list one identity at a time; J, Down or N go on, K goes back, Escape returns to the list. */
export function IdentityReview({ entry, missing, position, total, onMove, onBack }: IdentityReviewProps) {
  const hasNext = position + 1 < total;
  const next = () => hasNext && onMove(position + 1);
  const previous = () => position > 0 && onMove(position - 1);

  useHotkeys([
    ['j', next],
    ['n', next],
    ['ArrowDown', next],
    ['k', previous],
    ['Escape', onBack],
  ]);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Group>
          <Button variant="default" onClick={onBack}>
            ← Prompts
          </Button>
          <Title order={2}>Identity {entry ? formatPersonId(entry.personId) : ''}</Title>
          <Text c="dimmed" data-testid="review-position">
            {formatCount(position + 1)} of {formatCount(total)}
          </Text>
        </Group>
        <Group gap="xs">
          <Button variant="default" onClick={previous} disabled={position === 0}>
            Previous
          </Button>
          <Button variant="default" onClick={next} disabled={!hasNext} data-testid="next-identity">
            Next
          </Button>
        </Group>
      </Group>
      <ShortcutHelp />
      {entry && <IdentityPromptView key={entry.identityId} identityId={entry.identityId} />}
      {!entry && !missing && <Loader size="sm" />}
      {missing && (
        <Text c="dimmed" size="sm">
          No identity at this position any more; go back to the list.
        </Text>
      )}
    </Stack>
  );
}
