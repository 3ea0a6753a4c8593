import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiInput, ApiMethodName, ApiOutput } from '../api/contract';
import { createDispatcher } from '../api/dispatcher';
import { apiHandlers } from '../api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../app-context';
import { createProgressLine } from './progress-line';

/**
 * One command-line run against one workspace: calls go through the same
 * dispatcher as IPC and HTTP, progress is drawn on stderr, and Ctrl+C cancels
 * the running jobs so that what they committed stays.
 */
export interface CliSession {
  context: AppContext;
  call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  close(): void;
}

export function openCliSession(workspace: string | undefined): CliSession {
  const temporaryDir = workspace ? null : mkdtempSync(join(tmpdir(), 'mpreid-'));
  const workspacePath = workspace ? resolve(workspace) : join(temporaryDir!, 'temporary.mpreid');
  const context = createAppContext(workspacePath);
  const dispatch = createDispatcher(apiHandlers, context);

  const progressLine = createProgressLine();
  const runningJobs = new Set<number>();
  const unsubscribe = context.events.subscribe((event, payload) => {
    if (event === 'job.progress') {
      const progress = payload as Parameters<typeof progressLine.update>[0];
      runningJobs.add(progress.jobId);
      progressLine.update(progress);
    } else if (event === 'job.finished') {
      runningJobs.delete((payload as { jobId: number }).jobId);
      progressLine.finish();
    }
  });
  const onInterrupt = () => {
    process.stderr.write('\nCancelling; press Ctrl+C again to quit at once.\n');
    for (const jobId of runningJobs) context.jobs.cancel(jobId);
    process.off('SIGINT', onInterrupt);
  };
  process.on('SIGINT', onInterrupt);

  return {
    context,
    call: (method, input) => dispatch(method, input) as never,
    close: () => {
      unsubscribe();
      process.off('SIGINT', onInterrupt);
      closeAppContext(context);
      if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
    },
  };
}
