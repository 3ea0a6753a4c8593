import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount, formatDuration, formatRate } from '../../components/format';
import { JobProgress } from '../../components/job-progress';
import { useJob } from '../../hooks/use-job';
import { useNotify } from '../../hooks/use-notify';

/** Runs the embedding job for the chosen dataset and model; images already embedded come from the cache. */
export function EmbedPanel({ datasetId, modelId }: { datasetId: number; modelId: number }) {
  const job = useJob('embeddings.run', 'embed');
  const notify = useNotify();
  const report = job.result?.modelId === modelId ? job.result : undefined;

  const start = async () => {
    const outcome = await job.start({ datasetId, modelId });
    if (outcome.status === 'succeeded') {
      const { embedded, cached, seconds } = outcome.result;
      notify({ tone: 'success', title: 'Embeddings ready', message: `${formatCount(embedded)} embedded, ${formatCount(cached)} from the cache, in ${formatDuration(seconds)}.` });
    }
    if (outcome.status === 'cancelled') notify({ tone: 'info', title: 'Embedding cancelled', message: 'Embeddings computed so far are kept; embedding again continues from them.' });
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Embeddings</Title>
          <Button onClick={start} loading={job.running} data-testid="embed-button">
            Embed
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          Computes the model's feature for every image of the dataset that has none cached yet. Search and evaluation need them.
        </Text>
        {job.running && <JobProgress progress={job.progress} unit="images" onCancel={job.cancel} cancelling={job.cancelling} />}
        <ErrorAlert error={job.error} title="Embedding failed" />
        {report && !job.running && (
          <Text size="sm" data-testid="embed-report">
            {formatCount(report.requested)} images: {formatCount(report.embedded)} embedded, {formatCount(report.cached)} cached · {formatRate(report.imagesPerSecond)} images/s on{' '}
            {report.executionProvider.toUpperCase()} · {formatDuration(report.seconds)}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
