import type { AppContext } from '../app-context';
import { requireDataset } from '../datasets/dataset-queries';
import type { Db } from '../db/workspace';
import { ConflictError, ValidationError } from '../errors';
import { createLogger } from '../log';
import { getModel } from '../ml/models';
import type { PresetName } from '../ml/mpreid/training-types';
import type { ModelSummary } from '../api/schemas';
import { codeVersion } from './code-version';
import { defaultRunName, describeEvaluationFeatures, mergeRunConfig } from './run-config';
import { removeRunDirectory, runDirectoryFor } from './run-folder';
import { launchRunJob, loadRunData } from './run-job';
import { countEpochs, getRunRecord, insertRun, markInterruptedRuns } from './run-rows';
import { toSummary, type TrainingConfig, type TrainingRunSummary } from './run-views';
import type { MpreidTrainer } from './trainer-port';
import { loadTokenizer, resolveVocabularyPath } from './vocabulary';

const log = createLogger('Training');

export interface StartRunRequest {
  datasetId: number;
  imageModelId: number;
  preset: PresetName;
  name?: string;
  overrides?: Partial<TrainingConfig>;
  vocabularyPath?: string;
}

/**
 * Checks a training request, stores the run and starts its job. Returns once
 * the run row exists; the job reports through job events and stores its
 * outcome, or its error, on the run.
 */
export async function startTrainingRun(context: AppContext, trainer: MpreidTrainer, request: StartRunRequest): Promise<TrainingRunSummary> {
  const { db } = context;
  requireDataset(db, request.datasetId);
  const model = getModel(db, request.imageModelId);
  rejectConcurrentTraining(context, request.datasetId);
  requireCachedFeatures(db, request.datasetId, model);

  const vocabularyPath = resolveVocabularyPath(request.vocabularyPath);
  const config = mergeRunConfig(trainer.presetConfig(request.preset), request.overrides, context.settings.executionProvider);
  requireEnoughIdentities(db, request.datasetId, config.identitiesPerBatch);
  // Reading the data here, and handing it to the job, makes a bad vocabulary file or missing
  // prompts or VQA answers an error of this call, not a run that fails a second later.
  const loaded = await loadRunData(db, trainer, { datasetId: request.datasetId, imageModelId: request.imageModelId, config, vocabularyPath });
  // Checked again after the await above, so two quick requests cannot both start a job on the dataset.
  rejectConcurrentTraining(context, request.datasetId);
  const runId = insertRun(
    db,
    {
      datasetId: request.datasetId,
      imageModelId: request.imageModelId,
      name: request.name ?? defaultRunName(request.preset),
      preset: request.preset,
      config,
      codeVersion: codeVersion(),
      vocabularyPath,
      ...describeEvaluationFeatures(config, model.name),
    },
    (id) => runDirectoryFor(context.workspacePath, id),
  );
  // SQLite reuses the id of a deleted run, and a folder such a run left behind must not be resumed as this run.
  removeRunDirectory(runDirectoryFor(context.workspacePath, runId));
  log.info('training run stored', { runId, datasetId: request.datasetId, imageModelId: request.imageModelId, preset: config.preset });

  launchRunJob(context, trainer, runId, loaded);
  return toSummary(getRunRecord(db, runId), 0);
}

/** Starts a new job on a run that is not running, continuing from the checkpoint in its folder. */
export async function resumeTrainingRun(context: AppContext, trainer: MpreidTrainer, runId: number): Promise<TrainingRunSummary> {
  const { db } = context;
  markInterruptedRuns(db);
  const record = getRunRecord(db, runId);
  if (record.status === 'running') {
    throw new ConflictError(`Training run ${runId} is already running as job ${record.jobId}. Wait for it, or cancel the job before resuming.`);
  }
  if (record.status === 'succeeded') {
    throw new ConflictError(`Training run ${runId} has already succeeded, so there is nothing to resume. Start a new run to train again.`);
  }
  rejectConcurrentTraining(context, record.datasetId);
  requireCachedFeatures(db, record.datasetId, getModel(db, record.imageModelId));
  await loadTokenizer(record.vocabularyPath);
  rejectConcurrentTraining(context, record.datasetId);

  log.info('training run resumed', { runId, previousStatus: record.status });
  launchRunJob(context, trainer, runId);
  return toSummary(getRunRecord(db, runId), countEpochs(db, runId));
}

function rejectConcurrentTraining(context: AppContext, datasetId: number): void {
  const running = context.jobs.runningForDataset(datasetId).find((job) => job.kind === 'train');
  if (running) {
    throw new ConflictError(`Training job ${running.jobId} is already running on dataset ${datasetId}. Wait for it or cancel it before starting another.`);
  }
}

/**
 * Requires a train split and cached features of the image model for every
 * train, query and gallery image, because the run trains and evaluates on
 * those features without embedding anything itself.
 */
export function requireCachedFeatures(db: Db, datasetId: number, model: ModelSummary): void {
  const rows = db
    .prepare(
      `SELECT images.split AS split, COUNT(*) AS images, SUM(embeddings.image_hash IS NULL) AS missing
       FROM images LEFT JOIN embeddings ON embeddings.model_hash = ? AND embeddings.image_hash = images.content_hash
       WHERE images.dataset_id = ? GROUP BY images.split`,
    )
    .all(model.contentHash, datasetId) as { split: string; images: number; missing: number }[];

  if (!rows.some((row) => row.split === 'train')) {
    throw new ValidationError(`Dataset ${datasetId} has no train split (its folder had no bounding_box_train), so nothing can be trained on it. Import a dataset with training images.`);
  }
  const incomplete = rows.filter((row) => row.missing > 0);
  if (incomplete.length > 0) {
    const counts = incomplete.map((row) => `${row.missing} of ${row.images} ${row.split}`).join(', ');
    throw new ValidationError(
      `Model ${model.modelId} ("${model.name}") has no cached embeddings for ${counts} images of dataset ${datasetId}. ` +
        `Run embeddings for dataset ${datasetId} with model ${model.modelId} on the train, query and gallery splits first.`,
    );
  }
}

/** Rejects a batch of more identities than the train split has, which the trainer would only report once the job runs. */
function requireEnoughIdentities(db: Db, datasetId: number, identitiesPerBatch: number): void {
  const { identities } = db
    .prepare(
      `SELECT COUNT(DISTINCT images.identity_id) AS identities FROM images JOIN identities ON identities.id = images.identity_id
       WHERE images.dataset_id = ? AND images.split = 'train'`,
    )
    .get(datasetId) as { identities: number };
  if (identitiesPerBatch > identities) {
    throw new ValidationError(
      `A batch needs ${identitiesPerBatch} identities, but the train split of dataset ${datasetId} has only ${identities}. Lower identities per batch (P, identitiesPerBatch) to ${identities} or less.`,
    );
  }
}
