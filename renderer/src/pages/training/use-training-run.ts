import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../../main/api/contract';
import type { JobProgress } from '../../../../main/api/schemas';
import type { ApiCallError } from '../../api/client';
import { onApiEvent } from '../../api/client';
import { useApiQuery } from '../../hooks/use-api-query';

export type RunDetail = ApiOutput<'training.get'>;

/** Seconds between reloads of a running run's curves and epochs. */
const pollSeconds = 2;

export interface LiveRun {
  /** The run's detail; undefined until the first reply for this run arrives. */
  run: RunDetail | undefined;
  error: ApiCallError | null;
  /** Latest progress event of the run's job; null before the first one and once the run stops. */
  progress: JobProgress | null;
  reload: () => void;
}

/**
 * Loads one training run and keeps it current while it runs: its detail is
 * reloaded every two seconds and as soon as its job finishes, and progress
 * events of its job are passed through as they arrive.
 */
export function useTrainingRun(runId: number): LiveRun {
  const detail = useApiQuery('training.get', { runId });
  const [progress, setProgress] = useState<JobProgress | null>(null);
  // The query keeps the previous run's reply while the next one loads.
  const run = detail.data?.runId === runId ? detail.data : undefined;
  const running = run?.status === 'running';
  const jobId = run?.jobId ?? null;
  const { reload } = detail;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, pollSeconds * 1000);
    return () => clearInterval(timer);
  }, [running, reload]);

  useEffect(() => {
    setProgress(null);
    if (jobId === null) return;
    const stopProgress = onApiEvent('job.progress', (event) => {
      if (event.jobId === jobId) setProgress(event);
    });
    const stopFinished = onApiEvent('job.finished', (event) => {
      if (event.jobId === jobId) reload();
    });
    return () => {
      stopProgress();
      stopFinished();
    };
  }, [jobId, reload]);

  return { run, error: detail.error, progress: running ? progress : null, reload };
}
