import type { RetrievalFigures } from '../api/schemas';
import type { Db } from '../db/workspace';
import { NotFoundError } from '../errors';
import type { EpochRecord, MpreidArtifacts, MpreidConfig, StepRecord } from '../ml/mpreid/training-types';

/**
 * Reads and writes the rows of `training_runs`, `training_epochs` and
 * `training_steps`. JSON columns are parsed here, so callers see typed values.
 */

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface RunRecord {
  runId: number;
  datasetId: number;
  datasetName: string;
  imageModelId: number;
  name: string;
  /** Preset the configuration started from. */
  preset: string;
  config: MpreidConfig;
  status: RunStatus;
  promptRevisions: Record<string, number>;
  codeVersion: string;
  vocabularyPath: string;
  runDirectory: string;
  figures: RetrievalFigures | null;
  baseline: RetrievalFigures | null;
  features: string;
  oracle: boolean;
  artifacts: MpreidArtifacts | null;
  searchModelId: number | null;
  jobId: number | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

export type NewRun = Pick<RunRecord, 'datasetId' | 'imageModelId' | 'name' | 'preset' | 'config' | 'codeVersion' | 'vocabularyPath' | 'features' | 'oracle'>;

interface RunRow {
  id: number;
  dataset_id: number;
  dataset_name: string;
  image_model_id: number;
  name: string;
  preset: string;
  config: string;
  status: RunStatus;
  prompt_revisions: string;
  code_version: string;
  vocabulary_path: string;
  run_dir: string;
  figures: string | null;
  baseline: string | null;
  features: string;
  oracle: number;
  artifacts: string | null;
  search_model_id: number | null;
  job_id: number | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const selectRuns = `SELECT training_runs.*, datasets.name AS dataset_name
  FROM training_runs JOIN datasets ON datasets.id = training_runs.dataset_id`;

/**
 * Inserts a run with status 'running'. The folder is derived from the new id
 * by `runDirectoryOf`, so the row and its folder name always agree.
 */
export function insertRun(db: Db, run: NewRun, runDirectoryOf: (runId: number) => string): number {
  return db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO training_runs (dataset_id, image_model_id, name, preset, config, status, prompt_revisions, code_version,
                                    vocabulary_path, run_dir, features, oracle, created_at)
         VALUES (?, ?, ?, ?, ?, 'running', '{}', ?, ?, '', ?, ?, ?)`,
      )
      .run(run.datasetId, run.imageModelId, run.name, run.preset, JSON.stringify(run.config), run.codeVersion, run.vocabularyPath, run.features, run.oracle ? 1 : 0, new Date().toISOString());
    const runId = Number(info.lastInsertRowid);
    db.prepare('UPDATE training_runs SET run_dir = ? WHERE id = ?').run(runDirectoryOf(runId), runId);
    return runId;
  })();
}

export function getRunRecord(db: Db, runId: number): RunRecord {
  const row = db.prepare(`${selectRuns} WHERE training_runs.id = ?`).get(runId) as RunRow | undefined;
  if (!row) throw new NotFoundError(`Training run ${runId} does not exist in this workspace. List the training runs to find its id.`);
  return toRecord(row);
}

/** Runs newest first, optionally of one dataset. */
export function listRunRecords(db: Db, datasetId?: number): RunRecord[] {
  const rows =
    datasetId === undefined
      ? (db.prepare(`${selectRuns} ORDER BY training_runs.id DESC`).all() as RunRow[])
      : (db.prepare(`${selectRuns} WHERE training_runs.dataset_id = ? ORDER BY training_runs.id DESC`).all(datasetId) as RunRow[]);
  return rows.map(toRecord);
}

/** Marks a run as running again under a new job and clears the outcome of its previous job. */
export function markRunStarted(db: Db, runId: number, jobId: number): void {
  db.prepare("UPDATE training_runs SET status = 'running', job_id = ?, error = NULL, finished_at = NULL WHERE id = ?").run(jobId, runId);
}

export function saveRunInputs(db: Db, runId: number, inputs: { promptRevisions: Record<string, number>; baseline: RetrievalFigures | null }): void {
  db.prepare('UPDATE training_runs SET prompt_revisions = ?, baseline = ? WHERE id = ?').run(JSON.stringify(inputs.promptRevisions), jsonOrNull(inputs.baseline), runId);
}

export function saveRunSuccess(
  db: Db,
  runId: number,
  outcome: { figures: RetrievalFigures | null; features: string; oracle: boolean; artifacts: MpreidArtifacts; searchModelId: number },
): void {
  db.prepare(
    `UPDATE training_runs SET status = 'succeeded', figures = ?, features = ?, oracle = ?, artifacts = ?, search_model_id = ?, error = NULL, finished_at = ?
     WHERE id = ?`,
  ).run(jsonOrNull(outcome.figures), outcome.features, outcome.oracle ? 1 : 0, JSON.stringify(outcome.artifacts), outcome.searchModelId, new Date().toISOString(), runId);
}

export function saveRunFailure(db: Db, runId: number, status: 'failed' | 'cancelled', error: { code: string; message: string }): void {
  db.prepare('UPDATE training_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, JSON.stringify(error), new Date().toISOString(), runId);
}

/**
 * Marks runs left 'running' whose job is no longer running as 'interrupted'.
 * Opening a workspace marks the jobs a crash cut off as interrupted, so after
 * that their runs are caught here too. Returns the number of runs changed.
 */
export function markInterruptedRuns(db: Db): number {
  return db
    .prepare(
      `UPDATE training_runs SET status = 'interrupted'
       WHERE status = 'running' AND (job_id IS NULL OR job_id NOT IN (SELECT id FROM jobs WHERE status = 'running'))`,
    )
    .run().changes;
}

export function deleteRunRows(db: Db, runId: number): void {
  db.prepare('DELETE FROM training_runs WHERE id = ?').run(runId);
}

/** Stores one step; a resumed run that repeats a step replaces the earlier value. */
export function insertStep(db: Db, runId: number, record: StepRecord): void {
  db.prepare('INSERT OR REPLACE INTO training_steps (run_id, stage, step, epoch, learning_rate, losses) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    record.stage,
    record.step,
    record.epoch,
    record.learningRate,
    JSON.stringify(record.losses),
  );
}

export function insertEpoch(db: Db, runId: number, record: EpochRecord): void {
  db.prepare('INSERT OR REPLACE INTO training_epochs (run_id, stage, epoch, losses, figures, seconds) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    record.stage,
    record.epoch,
    JSON.stringify(record.losses),
    jsonOrNull(record.figures),
    record.seconds,
  );
}

/** Epochs of a run, stage 1 before stage 2, each in order. */
export function listEpochs(db: Db, runId: number): EpochRecord[] {
  const rows = db.prepare('SELECT stage, epoch, losses, figures, seconds FROM training_epochs WHERE run_id = ? ORDER BY stage, epoch').all(runId) as {
    stage: EpochRecord['stage'];
    epoch: number;
    losses: string;
    figures: string | null;
    seconds: number;
  }[];
  return rows.map((row) => ({ ...row, losses: JSON.parse(row.losses), figures: row.figures ? JSON.parse(row.figures) : null }));
}

export function countEpochs(db: Db, runId: number): number {
  return (db.prepare('SELECT COUNT(*) AS epochs FROM training_epochs WHERE run_id = ?').get(runId) as { epochs: number }).epochs;
}

/** Steps of a run, stage 1 before stage 2, each in order. */
export function listSteps(db: Db, runId: number): StepRecord[] {
  const rows = db.prepare('SELECT stage, step, epoch, learning_rate, losses FROM training_steps WHERE run_id = ? ORDER BY stage, step').all(runId) as {
    stage: StepRecord['stage'];
    step: number;
    epoch: number;
    learning_rate: number;
    losses: string;
  }[];
  return rows.map((row) => ({ stage: row.stage, step: row.step, epoch: row.epoch, learningRate: row.learning_rate, losses: JSON.parse(row.losses) }));
}

function toRecord(row: RunRow): RunRecord {
  return {
    runId: row.id,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    imageModelId: row.image_model_id,
    name: row.name,
    preset: row.preset,
    config: JSON.parse(row.config),
    status: row.status,
    promptRevisions: JSON.parse(row.prompt_revisions),
    codeVersion: row.code_version,
    vocabularyPath: row.vocabulary_path,
    runDirectory: row.run_dir,
    figures: row.figures ? JSON.parse(row.figures) : null,
    baseline: row.baseline ? JSON.parse(row.baseline) : null,
    features: row.features,
    oracle: row.oracle === 1,
    artifacts: row.artifacts ? JSON.parse(row.artifacts) : null,
    searchModelId: row.search_model_id,
    jobId: row.job_id,
    error: row.error ? JSON.parse(row.error) : null,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
