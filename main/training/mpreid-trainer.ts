import { NotSupportedError } from '../errors';
import { presetConfig, presetInfo } from '../ml/mpreid/presets';
import { loadMpreidTrainingData } from '../ml/mpreid/training-data';
import type { MpreidTrainer } from './trainer-port';

/** The MP-ReID trainer of main/ml/mpreid, as the run service calls it. */
export const mpreidTrainer: MpreidTrainer = {
  presetConfig,
  presetInfo,
  loadTrainingData: loadMpreidTrainingData,
  // TODO: call trainMpreid from main/ml/mpreid once it is exported there.
  train: () => Promise.reject(new NotSupportedError('MP-ReID training is not available in this build yet; the trainer is still being integrated.')),
};
