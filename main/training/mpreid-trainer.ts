import { loadMpreidTrainingData, presetConfig, presetInfo, trainMpreidInWorker } from '../ml/mpreid';
import type { MpreidTrainer } from './trainer-port';

/** The MP-ReID trainer of main/ml/mpreid, as the run service calls it. */
export const mpreidTrainer: MpreidTrainer = {
  presetConfig,
  presetInfo,
  loadTrainingData: loadMpreidTrainingData,
  // On a worker thread, so that training steps never hold up the thread that answers API calls.
  train: trainMpreidInWorker,
};
