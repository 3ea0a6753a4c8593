import type { AppContext } from '../app-context';
import { ConflictError } from '../errors';
import { createLogger } from '../log';
import { removeRunDirectory } from './run-folder';
import { deleteRunRows, getRunRecord, markInterruptedRuns } from './run-rows';
import { forgetJointGallery } from './text-search';

const log = createLogger('Training');

/**
 * Deletes a run that is not running: its rows, then its folder of
 * checkpoints and artifacts. The search model it registered stays registered,
 * with its file outside the run folder, because searches may still use it.
 */
export async function deleteTrainingRun(context: AppContext, runId: number): Promise<void> {
  markInterruptedRuns(context.db);
  const run = getRunRecord(context.db, runId);
  if (run.status === 'running') {
    throw new ConflictError(`Training run ${runId} is running as job ${run.jobId}. Cancel the job and wait for it to stop, then delete the run.`);
  }

  await forgetJointGallery(context, runId);
  deleteRunRows(context.db, runId);
  removeRunDirectory(run.runDirectory);
  log.info('training run deleted', { runId, runDirectory: run.runDirectory });
}
