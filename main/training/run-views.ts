import type { z } from 'zod';
import type { trainingConfigSchema, trainingRunDetailSchema, trainingRunSummarySchema } from '../api/training-contract';
import type { Db } from '../db/workspace';
import type { StepRecord, TrainingStage } from '../ml/mpreid/training-types';
import { countEpochs, getRunRecord, listEpochs, listRunRecords, listSteps, markInterruptedRuns, type RunRecord } from './run-rows';

export type TrainingRunSummary = z.infer<typeof trainingRunSummarySchema>;
export type TrainingRunDetail = z.infer<typeof trainingRunDetailSchema>;
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** Loss-curve points returned per stage; longer stages are averaged into this many buckets. */
export const maxCurvePoints = 1000;

/** Lists runs newest first, after marking those a crash cut off as interrupted. */
export function listTrainingRuns(db: Db, datasetId?: number): TrainingRunSummary[] {
  markInterruptedRuns(db);
  return listRunRecords(db, datasetId).map((record) => toSummary(record, countEpochs(db, record.runId)));
}

/** Returns one run with its configuration, epochs and loss curves. */
export function getTrainingRun(db: Db, runId: number): TrainingRunDetail {
  markInterruptedRuns(db);
  const record = getRunRecord(db, runId);
  const epochs = listEpochs(db, runId);
  const { preset: _preset, ...config } = record.config;

  return {
    ...toSummary(record, epochs.length),
    config: config as TrainingConfig,
    promptRevisions: record.promptRevisions,
    codeVersion: record.codeVersion,
    epochs,
    steps: reduceSteps(listSteps(db, runId), maxCurvePoints),
    error: record.error,
  };
}

export function toSummary(record: RunRecord, epochsDone: number): TrainingRunSummary {
  return {
    runId: record.runId,
    name: record.name,
    datasetId: record.datasetId,
    datasetName: record.datasetName,
    imageModelId: record.imageModelId,
    preset: record.config.preset,
    status: record.status,
    figures: record.figures,
    baseline: record.baseline,
    features: record.features,
    oracle: record.oracle,
    epochsDone,
    epochsTotal: record.config.stage1Epochs + record.config.stage2Epochs,
    searchModelId: record.searchModelId,
    jobId: record.jobId,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
  };
}

/**
 * Averages each stage's steps into at most `maxPoints` buckets of consecutive
 * steps. A point carries the bucket's mean losses and learning rate and the
 * step and epoch of its last step, so short runs come back unchanged.
 */
export function reduceSteps(steps: StepRecord[], maxPoints: number): StepRecord[] {
  const reduced: StepRecord[] = [];
  for (const stage of ['stage1', 'stage2'] as TrainingStage[]) {
    const stageSteps = steps.filter((step) => step.stage === stage);
    const bucketSize = Math.ceil(stageSteps.length / maxPoints);
    for (let start = 0; start < stageSteps.length; start += bucketSize) {
      reduced.push(meanOf(stageSteps.slice(start, start + bucketSize)));
    }
  }
  return reduced;
}

function meanOf(bucket: StepRecord[]): StepRecord {
  const last = bucket[bucket.length - 1];
  if (bucket.length === 1) return last;

  const losses: Record<string, number> = {};
  for (const term of Object.keys(last.losses)) {
    const values = bucket.map((step) => step.losses[term]).filter((value) => value !== undefined);
    losses[term] = values.reduce((sum, value) => sum + value, 0) / values.length;
  }
  const learningRate = bucket.reduce((sum, step) => sum + step.learningRate, 0) / bucket.length;
  return { stage: last.stage, step: last.step, epoch: last.epoch, learningRate, losses };
}
