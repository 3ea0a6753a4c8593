import type { Db } from '../db/workspace';
import type { ProgressReporter } from '../jobs/progress';
import type { LoadedTrainingData, TrainingDataRequest } from '../ml/mpreid/training-data';
import type { MpreidConfig, MpreidHooks, MpreidOutcome, MpreidTrainingData, PresetName } from '../ml/mpreid/training-types';

/**
 * The parts of the MP-ReID trainer the run service calls. Handlers pass the
 * real one (see mpreid-trainer.ts); the seam lets the service's bookkeeping be
 * tested apart from hours of training.
 */
export interface MpreidTrainer {
  presetConfig(name: PresetName): MpreidConfig;
  presetInfo: Record<PresetName, { label: string; description: string }>;
  loadTrainingData(db: Db, request: TrainingDataRequest): LoadedTrainingData | Promise<LoadedTrainingData>;
  /** Trains in `runDirectory`, resuming from the checkpoint there when it contains one. */
  train(data: MpreidTrainingData, config: MpreidConfig, options: { runDirectory: string; progress: ProgressReporter; hooks?: MpreidHooks }): Promise<MpreidOutcome>;
}
