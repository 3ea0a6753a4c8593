import { Alert, Button, CloseButton, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../components/error-alert';
import { JobProgress } from '../../components/job-progress';
import { useApiMutation } from '../../hooks/use-api-mutation';
import { useNotify } from '../../hooks/use-notify';
import { FiguresBlock } from '../evaluation/figures-block';
import { EpochTable } from './epoch-table';
import { OracleBadge, RunStatusBadge } from './run-badges';
import { RunCurves } from './run-curves';
import { useTrainingRun, type RunDetail } from './use-training-run';

const resumableStatuses = new Set<RunDetail['status']>(['interrupted', 'cancelled', 'failed']);

/** Shows one run as it trains: progress, Cancel or Resume, its failure, loss curves, per-epoch figures and the final figures beside the baseline. */
export function RunView({ runId, onClose, onChanged }: { runId: number; onClose: () => void; onChanged: () => void }) {
  const { run, error, progress, reload } = useTrainingRun(runId);
  const cancel = useApiMutation('jobs.cancel');
  const resume = useApiMutation('training.resume');
  const notify = useNotify();

  const requestCancel = async () => {
    if (run?.jobId == null) return;
    const reply = await cancel.run({ jobId: run.jobId });
    if (reply) notify({ tone: 'info', title: `Cancelling ${run.name}`, message: 'The run stops after the current step and keeps its last checkpoint.' });
    reload();
  };

  const requestResume = async () => {
    const resumed = await resume.run({ runId });
    if (resumed) notify({ tone: 'success', title: `Resumed ${resumed.name}` });
    reload();
    onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="Training run" data-testid="run-view" data-run-id={runId} data-status={run?.status}>
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm">
            <Title order={4}>{run?.name ?? `Run ${runId}`}</Title>
            {run && <RunStatusBadge status={run.status} />}
            {run?.oracle && <OracleBadge />}
            {!run && !error && <Loader size="xs" />}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {run && resumableStatuses.has(run.status) && (
              <Button size="xs" variant="light" onClick={requestResume} loading={resume.pending} data-testid="resume-run">
                Resume
              </Button>
            )}
            <CloseButton onClick={onClose} aria-label="Close the run" />
          </Group>
        </Group>
        <ErrorAlert error={error} title="Cannot load the run" />
        <ErrorAlert error={cancel.error} title="Cancel failed" onClose={cancel.clearError} />
        <ErrorAlert error={resume.error} title="Cannot resume the run" onClose={resume.clearError} />
        {run && <RunBody run={run} progress={progress} onCancel={requestCancel} cancelling={cancel.pending} />}
      </Stack>
    </Paper>
  );
}

interface RunBodyProps {
  run: RunDetail;
  progress: ReturnType<typeof useTrainingRun>['progress'];
  onCancel: () => void;
  cancelling: boolean;
}

function RunBody({ run, progress, onCancel, cancelling }: RunBodyProps) {
  return (
    <>
      <Text size="sm" c="dimmed">
        {run.datasetName} · preset {run.preset} · epoch {run.epochsDone} of {run.epochsTotal} · features: {run.features} · code {run.codeVersion}
      </Text>
      {run.status === 'running' && (
        <Stack gap={4}>
          {progress && (
            <Text size="xs" c="dimmed" data-testid="run-phase">
              {progress.phase}
            </Text>
          )}
          <JobProgress progress={progress} unit="steps" onCancel={run.jobId === null ? undefined : onCancel} cancelling={cancelling} />
        </Stack>
      )}
      {run.status === 'cancelled' && (
        <Alert color="gray" variant="light" title="Run cancelled" data-testid="run-cancelled">
          Resume continues from the last finished epoch.
        </Alert>
      )}
      {run.error && run.status !== 'cancelled' && (
        <Alert color="red" variant="light" title={`Run failed (${run.error.code})`} role="alert" data-testid="run-error">
          {run.error.message}
        </Alert>
      )}
      {run.oracle && (
        <Alert color="red" variant="filled" title="Oracle figures" data-testid="oracle-alert">
          This run evaluated with prompts derived from the identity labels of the query and gallery. Its mAP and Rank-k leak those labels and do not measure a real search.
        </Alert>
      )}
      {run.figures && <FiguresBlock title={run.oracle ? 'Latest figures (oracle)' : 'Latest figures'} figures={run.figures} testId="run-figures" />}
      {run.baseline && <FiguresBlock title="Baseline: frozen image features" figures={run.baseline} testId="run-baseline" />}
      <RunCurves steps={run.steps} epochs={run.epochs} baseline={run.baseline} />
      <EpochTable epochs={run.epochs} />
    </>
  );
}
