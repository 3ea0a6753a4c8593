import { type DatasetSummary, importReportSchema } from '../api/schemas';
import type { Db } from '../db/workspace';
import { NotFoundError } from '../errors';
import { createLogger } from '../log';

const log = createLogger('Datasets');

interface DatasetRow {
  id: number;
  name: string;
  layout: string;
  root_dir: string;
  evaluation_only: number;
  import_report: string;
  created_at: string;
}

/** Datasets of the workspace, oldest first. */
export function listDatasets(db: Db): DatasetSummary[] {
  const rows = db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[];
  return rows.map((row) => ({
    datasetId: row.id,
    name: row.name,
    layout: row.layout,
    rootDir: row.root_dir,
    evaluationOnly: row.evaluation_only === 1,
    createdAt: row.created_at,
    report: importReportSchema.parse(JSON.parse(row.import_report)),
  }));
}

/**
 * Deletes a dataset with its identities, images and attribute values (by
 * foreign-key cascade). Embeddings stay: they are keyed by content hash and
 * shared with any other dataset that contains the same image bytes.
 */
export function deleteDataset(db: Db, datasetId: number): void {
  const result = db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
  if (result.changes === 0) throw new NotFoundError(`Dataset ${datasetId} does not exist in this workspace. List the datasets to find its id.`);
  log.info('dataset deleted', { datasetId });
}

/** Throws NotFoundError unless the dataset exists. */
export function requireDataset(db: Db, datasetId: number): void {
  const row = db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId);
  if (row === undefined) throw new NotFoundError(`Dataset ${datasetId} does not exist in this workspace. List the datasets to find its id.`);
}
