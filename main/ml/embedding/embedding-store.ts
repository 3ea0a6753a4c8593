import type { Split } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { NotFoundError } from '../../errors';

/** One image of a dataset selection, with whether the model already has its embedding. */
export interface SelectedImage {
  imageId: number;
  path: string;
  contentHash: string;
  cached: boolean;
}

export function datasetRootDir(db: Db, datasetId: number): string {
  const row = db.prepare('SELECT root_dir FROM datasets WHERE id = ?').get(datasetId) as { root_dir: string } | undefined;
  if (!row) throw new NotFoundError(`Dataset ${datasetId} does not exist in this workspace. Import it first or pick another dataset.`);
  return row.root_dir;
}

export function selectImages(db: Db, datasetId: number, splits: readonly Split[], modelHash: string): SelectedImage[] {
  const rows = db
    .prepare(
      `SELECT i.id AS imageId, i.path AS path, i.content_hash AS contentHash, e.image_hash IS NOT NULL AS cached
         FROM images i
         LEFT JOIN embeddings e ON e.model_hash = ? AND e.image_hash = i.content_hash
        WHERE i.dataset_id = ? AND i.split IN (SELECT value FROM json_each(?))
        ORDER BY i.id`,
    )
    .all(modelHash, datasetId, JSON.stringify(splits)) as Array<Omit<SelectedImage, 'cached'> & { cached: number }>;
  return rows.map((row) => ({ ...row, cached: row.cached === 1 }));
}

export interface EmbeddingRow {
  imageHash: string;
  vector: Float32Array;
}

/** Writes embeddings in one transaction, so that a job stopped at any point keeps whole chunks only. */
export function insertEmbeddings(db: Db, modelHash: string, rows: readonly EmbeddingRow[]): void {
  const insert = db.prepare('INSERT OR REPLACE INTO embeddings (model_hash, image_hash, dimension, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const row of rows) insert.run(modelHash, row.imageHash, row.vector.length, vectorBlob(row.vector));
  })();
}

/** Float32 little-endian bytes, the BLOB format of `embeddings.vector`. */
// NOTE: this reuses the typed array's bytes, so it assumes a little-endian host (x64 and arm64 are).
function vectorBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export interface StoredVector {
  imageId: number;
  dimension: number | null;
  vector: Buffer | null;
}

/** Looks up the embedding of each image id for a model. Ids without an image or embedding get nulls. */
export function readEmbeddings(db: Db, modelHash: string, imageIds: readonly number[]): StoredVector[] {
  return db
    .prepare(
      `SELECT ids.value AS imageId, e.dimension AS dimension, e.vector AS vector
         FROM json_each(?) ids
         LEFT JOIN images i ON i.id = ids.value
         LEFT JOIN embeddings e ON e.model_hash = ? AND e.image_hash = i.content_hash
        ORDER BY ids.key`,
    )
    .all(JSON.stringify(imageIds), modelHash) as StoredVector[];
}
