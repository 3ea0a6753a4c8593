import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { JobProgress as JobProgressEvent } from '../../../main/api/schemas';
import { formatCount, formatDuration, formatRate } from './format';

export interface JobProgressProps {
  /** Latest progress event; null while the job has not reported yet. */
  progress: JobProgressEvent | null;
  /** Plural noun for the counted units, e.g. "images". */
  unit: string;
  onCancel?: () => void;
  cancelling?: boolean;
}

/** Progress bar of a running job with "done / total", rate, time left and a Cancel button. */
export function JobProgress({ progress, unit, onCancel, cancelling = false }: JobProgressProps) {
  const total = progress?.total ?? 0;
  const done = progress?.done ?? 0;
  const percent = total > 0 ? (100 * done) / total : 0;
  const waiting = progress === null || total === 0;

  return (
    <Stack gap={4} data-testid="job-progress">
      <Progress value={waiting ? 100 : percent} striped={waiting} animated={waiting} size="lg" aria-label={`Progress of ${unit}`} />
      <Group justify="space-between" wrap="nowrap">
        <Group gap="md">
          <Text size="sm" fw={500}>
            {waiting ? 'Starting…' : `${formatCount(done)} / ${formatCount(total)} ${unit}`}
          </Text>
          {progress?.ratePerSecond != null && (
            <Text size="sm" c="dimmed">
              {formatRate(progress.ratePerSecond)} {unit}/s
            </Text>
          )}
          {progress?.etaSeconds != null && (
            <Text size="sm" c="dimmed">
              {formatDuration(progress.etaSeconds)} left
            </Text>
          )}
          {progress?.message && (
            <Text size="sm" c="dimmed">
              {progress.message}
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
