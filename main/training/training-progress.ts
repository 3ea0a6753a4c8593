import type { Db } from '../db/workspace';
import { createLogger } from '../log';
import type { MpreidHooks } from '../ml/mpreid/training-types';
import { insertEpoch, insertStep } from './run-rows';

const log = createLogger('Training');

/**
 * Returns trainer hooks that store each step and epoch on the run as they
 * come. The trainer reports job progress itself (phase 'stage1' or 'stage2',
 * steps of that stage, epoch and loss in the message).
 */
export function recordingHooks(db: Db, runId: number): MpreidHooks {
  return {
    onStep: (record) => guard('step', runId, () => insertStep(db, runId, record)),
    onEpoch: (record) => guard('epoch', runId, () => insertEpoch(db, runId, record)),
  };
}

/** Runs a hook's write and logs its failure, because the trainer does not await hooks and the error would otherwise be lost. */
function guard(what: string, runId: number, record: () => void): void {
  try {
    record();
  } catch (error) {
    log.error(`recording a training ${what} failed`, { runId, error });
  }
}
