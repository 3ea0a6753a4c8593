import { loadMpreidTrainingData, presetConfig, presetInfo, trainMpreid } from '../ml/mpreid';
import type { MpreidTrainer } from './trainer-port';

/** The MP-ReID trainer of main/ml/mpreid, as the run service calls it. */
export const mpreidTrainer: MpreidTrainer = {
  presetConfig,
  presetInfo,
  loadTrainingData: loadMpreidTrainingData,
  train: trainMpreid,
};
