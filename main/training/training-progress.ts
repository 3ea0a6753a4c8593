import type { Db } from '../db/workspace';
import type { ProgressReporter } from '../jobs/progress';
import { createLogger } from '../log';
import type { MpreidHooks, StepRecord, TrainingStage } from '../ml/mpreid/training-types';
import { insertEpoch, insertStep, type RunRecord } from './run-rows';

const log = createLogger('Training');

/**
 * Records a training's steps and epochs on its run and turns them into job
 * progress: phase 'stage1' or 'stage2', done and total in optimizer steps of
 * that stage, and a message with the epoch and loss. The trainer's own
 * progress calls are dropped, so that two sources never reset each other's
 * rate and time-left estimates; cancellation passes through unchanged.
 */
export function createTrainingProgress(db: Db, run: RunRecord, trainImages: number, job: ProgressReporter): { reporter: ProgressReporter; hooks: MpreidHooks } {
  const stepsPerEpoch = run.config.stepsPerEpoch ?? estimateStepsPerEpoch(trainImages, run.config.identitiesPerBatch * run.config.imagesPerIdentity);
  const epochsOf: Record<TrainingStage, number> = { stage1: run.config.stage1Epochs, stage2: run.config.stage2Epochs };

  const onStep = (record: StepRecord) => {
    insertStep(db, run.runId, record);
    const total = Math.max(record.step, epochsOf[record.stage] * stepsPerEpoch);
    job.update(record.stage, record.step, total, `epoch ${record.epoch}/${epochsOf[record.stage]}, loss ${formatLoss(record.losses)}`);
  };

  const hooks: MpreidHooks = {
    onStep: (record) => guard('step', () => onStep(record)),
    onEpoch: (record) => guard('epoch', () => insertEpoch(db, run.runId, record)),
  };
  const reporter: ProgressReporter = { signal: job.signal, update: () => {}, throwIfCancelled: () => job.throwIfCancelled() };
  return { reporter, hooks };
}

/** Estimates the trainer's default steps per epoch: one step per full batch of identities x images each. */
// NOTE: only used for the progress total; a different rounding in the trainer shows up as a total that grows at the stage's end.
function estimateStepsPerEpoch(trainImages: number, batchSize: number): number {
  return Math.max(1, Math.floor(trainImages / batchSize));
}

/** Formats the total loss when the trainer reports one, else the sum of the terms. */
function formatLoss(losses: Record<string, number>): string {
  const total = losses.total ?? Object.values(losses).reduce((sum, value) => sum + value, 0);
  return total.toFixed(4);
}

/** Runs a hook's write and logs its failure, because the trainer does not await hooks and the error would otherwise be lost. */
function guard(what: string, record: () => void): void {
  try {
    record();
  } catch (error) {
    log.error(`recording a training ${what} failed`, { error });
  }
}
