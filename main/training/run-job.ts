import { mkdirSync } from 'node:fs';
import type { RetrievalFigures } from '../api/schemas';
import type { AppContext } from '../app-context';
import { CancelledError, serializeError } from '../errors';
import type { ProgressReporter } from '../jobs/progress';
import { createLogger } from '../log';
import type { LoadedTrainingData } from '../ml/mpreid/training-data';
import type { MpreidTrainingData } from '../ml/mpreid/training-types';
import { resolveExecutionProvider } from '../ml/runtime';
import { evaluate } from '../retrieval/evaluate';
import { contextLengthOf } from './run-config';
import { countEpochs, getRunRecord, markRunStarted, saveRunFailure, saveRunInputs, saveRunSuccess, type RunRecord, type RunStatus } from './run-rows';
import { toSummary, type TrainingRunSummary } from './run-views';
import { registerSearchModel } from './search-model';
import type { MpreidTrainer } from './trainer-port';
import { recordingHooks } from './training-progress';
import { loadTokenizer } from './vocabulary';

const log = createLogger('Training');

/** Ends of the jobs running in this process, by workspace and run id, so a caller can await a run it started. */
const runningJobs = new WeakMap<AppContext['db'], Map<number, Promise<RunStatus>>>();

/**
 * Starts the job of a stored run and returns at once. The job marks the run
 * running under its id before this returns, and it stores its outcome or
 * error on the run. Its rejection is handled here, so nothing goes unhandled.
 * `loaded` is the run's training data when the caller has just read it.
 */
export function launchRunJob(context: AppContext, trainer: MpreidTrainer, runId: number, loaded?: LoadedTrainingData): void {
  const { datasetId } = getRunRecord(context.db, runId);
  const job = context.jobs.run('train', { datasetId, runId }, (progress, jobId) => trainRun(context, trainer, runId, jobId, progress, loaded));

  const ended = job.then(
    (): RunStatus => 'succeeded',
    (error: unknown): RunStatus => (error instanceof CancelledError ? 'cancelled' : 'failed'),
  );
  const jobs = runningJobs.get(context.db) ?? new Map<number, Promise<RunStatus>>();
  runningJobs.set(context.db, jobs);
  jobs.set(runId, ended);
  void ended.then(() => {
    if (jobs.get(runId) === ended) jobs.delete(runId);
  });
}

/** Waits for the job of a run started in this process; returns the run's status at once when none is running. */
export async function waitForRun(context: AppContext, runId: number): Promise<RunStatus> {
  const ended = runningJobs.get(context.db)?.get(runId);
  if (ended) await ended;
  return getRunRecord(context.db, runId).status;
}

async function trainRun(context: AppContext, trainer: MpreidTrainer, runId: number, jobId: number, progress: ProgressReporter, loaded?: LoadedTrainingData): Promise<TrainingRunSummary> {
  // Runs before the first await, so the run row names its job by the time launchRunJob returns.
  markRunStarted(context.db, runId, jobId);
  const started = performance.now();
  log.info('training job started', { runId, jobId });

  try {
    await trainAndRegister(context, trainer, getRunRecord(context.db, runId), progress, loaded);
    log.info('training job succeeded', { runId, jobId, seconds: (performance.now() - started) / 1000 });
    return toSummary(getRunRecord(context.db, runId), countEpochs(context.db, runId));
  } catch (error) {
    const status = error instanceof CancelledError ? 'cancelled' : 'failed';
    saveRunFailure(context.db, runId, status, serializeError(error));
    log.warn(`training job ${status}`, { runId, jobId, error });
    throw error;
  }
}

async function trainAndRegister(context: AppContext, trainer: MpreidTrainer, run: RunRecord, progress: ProgressReporter, preloaded?: LoadedTrainingData): Promise<void> {
  const { db } = context;
  mkdirSync(run.runDirectory, { recursive: true });

  progress.update('prepare', 0, 2, 'loading features and prompts');
  const loaded = preloaded ?? (await loadRunData(db, trainer, run));

  progress.throwIfCancelled();

  progress.update('prepare', 1, 2, 'evaluating the frozen features');
  const baseline = run.baseline ?? (await evaluateBaseline(loaded.data, progress.signal));
  saveRunInputs(db, run.runId, { promptRevisions: loaded.promptRevisions, baseline });
  progress.update('prepare', 2, 2);

  const outcome = await trainer.train(loaded.data, run.config, { runDirectory: run.runDirectory, progress, hooks: recordingHooks(db, run.runId) });

  const provider = resolveExecutionProvider(run.config.executionProvider).provider;
  const searchModel = await registerSearchModel(db, run, outcome.artifacts, provider);
  saveRunSuccess(db, run.runId, { figures: outcome.figures, features: outcome.features, oracle: outcome.oracle, artifacts: outcome.artifacts, searchModelId: searchModel.modelId });
}

/** Figures of the frozen features on the run's query and gallery, or null when the dataset lacks either. */
async function evaluateBaseline(data: MpreidTrainingData, signal: AbortSignal): Promise<RetrievalFigures | null> {
  if (!data.query || !data.gallery) return null;

  const labelled = (set: NonNullable<MpreidTrainingData['query']>) => ({ features: set.features, personIds: set.personIds, cameraIds: set.cameraIds });
  const evaluation = await evaluate(labelled(data.query), labelled(data.gallery), { dimension: data.featureWidth, worstQueries: 0, signal });
  return evaluation.plain;
}

/** Reads the features and prompts of a run, as its config and vocabulary ask. */
export async function loadRunData(db: AppContext['db'], trainer: MpreidTrainer, run: Pick<RunRecord, 'datasetId' | 'imageModelId' | 'config' | 'vocabularyPath'>): Promise<LoadedTrainingData> {
  const tokenizer = await loadTokenizer(run.vocabularyPath);
  return trainer.loadTrainingData(db, {
    datasetId: run.datasetId,
    imageModelId: run.imageModelId,
    prompts: run.config.prompts,
    contextLength: contextLengthOf(run.config),
    tokenizer,
    includeTestIdentities: run.config.evaluationFeatures === 'image-with-identity-prompts',
  });
}
