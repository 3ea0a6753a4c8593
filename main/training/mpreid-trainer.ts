import { loadMpreidTrainingData, presetConfig, presetInfo, trainMpreidInWorker } from '../ml/mpreid';
import type { MpreidTrainer } from './trainer-port';

/** The MP-ReID trainer of main/ml/mpreid, as the run service calls it. */
export const mpreidTrainer: MpreidTrainer = {
  presetConfig,
  presetInfo,
  loadTrainingData: loadMpreidTrainingData,
  // A worker thread runs the training, so its steps never block the thread that serves API calls.
  train: trainMpreidInWorker,
};
