import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiInput, ApiMethodName, ApiOutput } from '../api/contract';
import { createDispatcher } from '../api/dispatcher';
import { apiHandlers } from '../api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../app-context';
import { NotFoundError } from '../errors';
import { createProgressLine } from './progress-line';

/**
 * One command-line run against one workspace: calls go through the same
 * dispatcher as IPC and HTTP, progress is drawn on stderr, and Ctrl+C or
 * SIGTERM cancels the running jobs so that what they committed stays.
 */
export interface CliSession {
  context: AppContext;
  call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  /** Adds a job to those a signal cancels, before its first progress event has named it. */
  trackJob(jobId: number): void;
  close(): void;
}

/**
 * Opens the workspace file, or a temporary one when none is given. A named
 * file that does not exist is created only with `create`, so that a mistyped
 * path fails instead of leaving an empty workspace behind.
 */
export function openCliSession(workspace: string | undefined, options: { create?: boolean } = {}): CliSession {
  const temporaryDir = workspace ? null : mkdtempSync(join(tmpdir(), 'mpreid-'));
  const workspacePath = workspace ? resolve(workspace) : join(temporaryDir!, 'temporary.mpreid');
  if (workspace && !options.create && !existsSync(workspacePath)) {
    throw new NotFoundError(`Workspace ${workspacePath} does not exist; check the path or import a dataset first.`);
  }
  const context = createAppContext(workspacePath);
  const dispatch = createDispatcher(apiHandlers, context);

  const progressLine = createProgressLine();
  const runningJobs = new Set<number>();
  let interrupted = false;
  // A job that starts after the signal, such as one a call was still setting up, is cancelled as soon as it is known.
  const track = (jobId: number) => {
    if (runningJobs.has(jobId)) return;
    runningJobs.add(jobId);
    if (interrupted) context.jobs.cancel(jobId);
  };
  const unsubscribe = context.events.subscribe((event, payload) => {
    if (event === 'job.progress') {
      const progress = payload as Parameters<typeof progressLine.update>[0];
      track(progress.jobId);
      progressLine.update(progress);
    } else if (event === 'job.finished') {
      runningJobs.delete((payload as { jobId: number }).jobId);
      progressLine.finish();
    }
  });

  // The first signal cancels; the handlers are then removed, so a second one ends the process at once.
  const stopListening = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const again = signal === 'SIGINT' ? 'press Ctrl+C' : 'send SIGTERM';
    process.stderr.write(`\nCancelling; ${again} again to quit at once.\n`);
    interrupted = true;
    for (const jobId of runningJobs) context.jobs.cancel(jobId);
    stopListening();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return {
    context,
    call: (method, input) => dispatch(method, input) as never,
    trackJob: track,
    close: () => {
      unsubscribe();
      stopListening();
      closeAppContext(context);
      if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
    },
  };
}
