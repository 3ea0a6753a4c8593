import { join } from 'node:path';
import type { Db } from '../../db/workspace';
import { ValidationError } from '../../errors';
import type { VqaRequest } from './run-vqa';

export interface VqaImageRow {
  imageId: number;
  personId: number;
  filePath: string;
}

/** Images of a dataset to answer questions about, by person id and path, filtered by split and person ids. */
export function selectVqaImages(db: Db, request: VqaRequest): VqaImageRow[] {
  const rows = db
    .prepare(
      `SELECT images.id, identities.person_id, datasets.root_dir, images.path
       FROM images JOIN identities ON identities.id = images.identity_id JOIN datasets ON datasets.id = images.dataset_id
       WHERE images.dataset_id = ? AND (? IS NULL OR images.split = ?)
       ORDER BY identities.person_id, images.path`,
    )
    .all(request.datasetId, request.split ?? null, request.split ?? null) as { id: number; person_id: number; root_dir: string; path: string }[];

  const wanted = request.personIds ? new Set(request.personIds) : null;
  if (wanted) {
    const found = new Set(rows.map((row) => row.person_id));
    const missing = [...wanted].filter((personId) => !found.has(personId));
    if (missing.length > 0) throw new ValidationError(`Dataset ${request.datasetId} has no images of person id ${missing.slice(0, 10).join(', ')}${request.split ? ` in the ${request.split} split` : ''}.`);
  }

  return rows
    .filter((row) => wanted === null || wanted.has(row.person_id))
    .map((row) => ({ imageId: row.id, personId: row.person_id, filePath: join(row.root_dir, row.path) }));
}
