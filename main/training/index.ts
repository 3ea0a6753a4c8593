/**
 * MP-ReID training runs: storage, jobs, comparison export and text search.
 * Run folders live next to the workspace as `<workspace file>.runs/<run id>/`.
 */
export { deleteTrainingRun } from './delete-run';
export { attributeHeadsDirectoryFor, clipWeightsPathFor } from './run-folder';
export { exportRunTable, type ExportTableRequest } from './export-table';
export { mpreidTrainer } from './mpreid-trainer';
export { markInterruptedRuns, type RunStatus } from './run-rows';
export { waitForRun } from './run-job';
export { getTrainingRun, listTrainingRuns, type TrainingConfig, type TrainingRunDetail, type TrainingRunSummary } from './run-views';
export { resumeTrainingRun, startTrainingRun, type StartRunRequest } from './start-run';
export { searchByText, type TextSearchResult } from './text-search';
export type { MpreidTrainer } from './trainer-port';
export { listPresets } from './presets';
