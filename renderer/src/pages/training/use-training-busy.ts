import { useEffect, useSyncExternalStore } from 'react';
import { api, onApiEvent } from '../../api/client';
import { createSharedState } from '../../hooks/use-shared-state';

/** Job kind of training runs on the server. */
const trainKind = 'train';

/** Ids of the training jobs running on the server, as far as this window has seen. */
const runningTrainJobs = createSharedState<ReadonlySet<number>>(new Set());
/** Ids seen finishing, so a jobs.list reply that arrives late cannot mark them running again. */
const finishedTrainJobs = new Set<number>();
let watching = false;

function changeRunning(jobId: number, running: boolean): void {
  const current = runningTrainJobs.get();
  if (current.has(jobId) === running) return;

  const next = new Set(current);
  if (running) next.add(jobId);
  else next.delete(jobId);
  runningTrainJobs.set(next);
}

/** Follows training jobs through job events from the first use on, and lists jobs once to find those that started before the window opened. */
function watchTrainJobs(): void {
  if (watching) return;
  watching = true;

  onApiEvent('job.progress', (event) => {
    if (event.kind === trainKind && !finishedTrainJobs.has(event.jobId)) changeRunning(event.jobId, true);
  });
  onApiEvent('job.finished', (event) => {
    if (event.kind !== trainKind) return;
    finishedTrainJobs.add(event.jobId);
    changeRunning(event.jobId, false);
  });

  api['jobs.list']({ limit: 50 }).then(
    (jobs) => {
      for (const job of jobs) {
        if (job.kind === trainKind && job.status === 'running' && !finishedTrainJobs.has(job.jobId)) changeRunning(job.jobId, true);
      }
    },
    // The events still mark runs that report progress, so a failed listing only delays the marker.
    () => {},
  );
}

/** True while a training run's job is running on the server, for a busy marker in the navigation. */
export function useTrainingBusy(): boolean {
  useEffect(watchTrainJobs, []);
  const running = useSyncExternalStore(runningTrainJobs.subscribe, runningTrainJobs.get);
  return running.size > 0;
}
