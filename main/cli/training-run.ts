import type { z } from 'zod';
import { trainingRunSummarySchema } from '../api/training-contract';
import { deserializeError, type SerializedError } from '../errors';
import { waitForRun, type TrainingRunDetail } from '../training';
import type { CliSession } from './session';

/**
 * Waits for a run that training.start or training.resume launched, because
 * the run's job stops when the process exits. Ctrl+C or SIGTERM cancels the
 * job through the session. Returns the finished run, or throws its stored
 * error with the command that resumes it.
 */
export async function waitForTrainingRun(session: CliSession, workspace: string, started: { runId: number; jobId: number | null }): Promise<TrainingRunDetail> {
  if (started.jobId !== null) session.trackJob(started.jobId);
  await waitForRun(session.context, started.runId);

  const run = await session.call('training.get', { runId: started.runId });
  if (run.status === 'succeeded') return run;

  const stored = (run.error ?? { code: 'internal', message: `Training run ${run.runId} ended with status ${run.status}.` }) as SerializedError;
  const error = deserializeError(stored);
  error.message += ` Run ${run.runId} can be resumed with: ${resumeCommand(workspace, run.runId)}`;
  throw error;
}

export function resumeCommand(workspace: string, runId: number): string {
  return `mpreid train --workspace ${quoteForShell(workspace)} --resume ${runId}`;
}

/** The summary fields of a run, as training.start and training.list return them, without its curves and configuration. */
export function summarizeRun(run: TrainingRunDetail): z.infer<typeof trainingRunSummarySchema> {
  return trainingRunSummarySchema.parse(run);
}

function quoteForShell(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
