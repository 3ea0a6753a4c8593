import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { JobProgress } from '../../../main/api/schemas';
import { formatDuration } from './format';

const megabyteFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Formats a byte count in decimal megabytes with one decimal, e.g. 598_641_023 -> "598.6 MB". */
export function formatMegabytes(bytes: number): string {
  return `${megabyteFormat.format(bytes / 1_000_000)} MB`;
}

export interface ByteProgressProps {
  /** Latest progress event of a job that counts bytes; null while the job has not reported yet. */
  progress: JobProgress | null;
  onCancel?: () => void;
  cancelling?: boolean;
  testId?: string;
}

/** Progress bar of a download: megabytes done of the total, speed, time left and a Cancel button. */
export function ByteProgress({ progress, onCancel, cancelling = false, testId }: ByteProgressProps) {
  const total = progress?.total ?? 0;
  const done = progress?.done ?? 0;
  const waiting = progress === null || total === 0;

  return (
    <Stack gap={4} data-testid={testId}>
      <Progress value={waiting ? 100 : (100 * done) / total} striped={waiting} animated={waiting} size="lg" aria-label="Download progress" />
      <Group justify="space-between" wrap="nowrap">
        <Group gap="md">
          <Text size="sm" fw={500} data-testid={testId ? `${testId}-bytes` : undefined}>
            {waiting ? 'Connecting…' : `${formatMegabytes(done)} of ${formatMegabytes(total)}`}
          </Text>
          {progress?.ratePerSecond != null && (
            <Text size="sm" c="dimmed">
              {formatMegabytes(progress.ratePerSecond)}/s
            </Text>
          )}
          {progress?.etaSeconds != null && (
            <Text size="sm" c="dimmed" data-testid={testId ? `${testId}-time-left` : undefined}>
              {formatDuration(progress.etaSeconds)} left
            </Text>
          )}
        </Group>
        {onCancel && (
          <Button size="xs" variant="light" color="red" onClick={onCancel} loading={cancelling}>
            Cancel
          </Button>
        )}
      </Group>
    </Stack>
  );
}
