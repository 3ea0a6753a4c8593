import { Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { onApiEvent } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { useApiQuery } from '../../hooks/use-api-query';
import { ExportRuns } from './export-runs';
import { RunsTable } from './runs-table';

/** Seconds between reloads of the list while a run is going, so that epochs and figures stay current. */
const pollSeconds = 5;

export interface RunsCardProps {
  openRunId: number | null;
  onOpen: (runId: number) => void;
  onDeleted: (runId: number) => void;
  /** Counter that the page increments after it changed the list, e.g. after a start. */
  version: number;
}

/** Shows the runs table with selection for export, and reloads it when a job finishes and while a run is going. */
export function RunsCard({ openRunId, onOpen, onDeleted, version }: RunsCardProps) {
  const runs = useApiQuery('training.list', {});
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const list = runs.data ?? [];
  const anyRunning = list.some((run) => run.status === 'running');
  const { reload } = runs;

  useEffect(() => reload(), [version, reload]);
  useEffect(() => onApiEvent('job.finished', () => reload()), [reload]);
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(reload, pollSeconds * 1000);
    return () => clearInterval(timer);
  }, [anyRunning, reload]);

  const removed = (runId: number) => {
    setSelected((current) => new Set([...current].filter((id) => id !== runId)));
    reload();
    onDeleted(runId);
  };

  // Runs deleted elsewhere drop out of the selection.
  const selectedRunIds = list.filter((run) => selected.has(run.runId)).map((run) => run.runId);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="runs-title">
      <Stack gap="sm">
        <Group gap="sm">
          <Title order={4} id="runs-title">
            Runs
          </Title>
          {runs.loading && <Loader size="xs" />}
        </Group>
        <ErrorAlert error={runs.error} title="Cannot list training runs" />
        {runs.data && list.length === 0 && (
          <Text size="sm" c="dimmed">
            No runs yet; start one above.
          </Text>
        )}
        {list.length > 0 && <RunsTable runs={list} selected={selected} onSelectedChange={setSelected} openRunId={openRunId} onOpen={onOpen} onDeleted={removed} />}
        {list.length > 0 && <ExportRuns runIds={selectedRunIds} />}
      </Stack>
    </Paper>
  );
}
