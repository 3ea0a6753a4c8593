import type { SerializedError } from '../../errors';
import type { LogSettings } from '../../log';
import type { EpochRecord, MpreidConfig, MpreidOutcome, MpreidTrainingData, StepRecord } from './training-types';

/** The training worker's workerData: one run's data, configuration and folder. */
export interface TrainingWorkerSetup {
  data: MpreidTrainingData;
  config: MpreidConfig;
  runDirectory: string;
  /** The parent thread's log level and destinations, so the worker logs where and as much as its parent does. */
  log: LogSettings;
}

/** Messages from the parent: only a request to stop, which the worker honours between steps. */
export type TrainingWorkerRequest = { kind: 'cancel' };

export type TrainingWorkerReply =
  | { kind: 'progress'; phase: string; done: number; total: number; message?: string }
  | { kind: 'step'; record: StepRecord }
  | { kind: 'epoch'; record: EpochRecord }
  | { kind: 'done'; outcome: MpreidOutcome }
  | { kind: 'failed'; error: SerializedError };
