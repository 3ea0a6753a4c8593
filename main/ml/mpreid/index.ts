/** MP-ReID training on frozen image-encoder features: data loading, presets and the two-stage trainer. */
export { loadMpreidTrainingData, type LoadedTrainingData, type TrainingDataRequest } from './training-data';
export { presetConfig, presetInfo, usesExplicitPrompts } from './presets';
export { trainMpreid, type TrainOptions } from './train-mpreid';
export { trainMpreidInWorker } from './train-in-worker';
export * from './training-types';
