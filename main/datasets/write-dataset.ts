import type { ImportReport } from '../api/schemas';
import type { Db } from '../db/workspace';
import { ValidationError } from '../errors';
import type { AttributeTable } from './attribute-file';
import type { DatasetLayout } from './file-names';
import type { ImportedImage } from './read-images';

export interface DatasetRows {
  name: string;
  layout: DatasetLayout;
  rootDir: string;
  evaluationOnly: boolean;
  images: readonly ImportedImage[];
  attributes: AttributeTable | null;
}

/**
 * Inserts a dataset with its identities, images and attributes in one
 * transaction, so a failure leaves the workspace as it was. `buildReport`
 * receives the new dataset id; its report is stored with the dataset.
 */
export function writeDataset(db: Db, rows: DatasetRows, buildReport: (datasetId: number) => ImportReport): ImportReport {
  const write = db.transaction((): ImportReport => {
    requireUniqueName(db, rows.name);
    const datasetId = insertDataset(db, rows);
    const identityIds = insertIdentities(db, datasetId, rows.images);
    insertImages(db, datasetId, identityIds, rows.images);
    if (rows.attributes) insertAttributes(db, datasetId, identityIds, rows.attributes);

    const report = buildReport(datasetId);
    db.prepare('UPDATE datasets SET import_report = ? WHERE id = ?').run(JSON.stringify(report), datasetId);
    return report;
  });
  return write();
}

/** Rejects a name that another dataset of the workspace already uses. */
export function requireUniqueName(db: Db, name: string): void {
  const existing = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: number } | undefined;
  if (existing) {
    throw new ValidationError(`A dataset named "${name}" already exists in this workspace (id ${existing.id}). Pick another name or delete that dataset first.`);
  }
}

function insertDataset(db: Db, rows: DatasetRows): number {
  const result = db
    .prepare('INSERT INTO datasets (name, layout, root_dir, evaluation_only, import_report, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(rows.name, rows.layout, rows.rootDir, rows.evaluationOnly ? 1 : 0, '{}', new Date().toISOString());
  return Number(result.lastInsertRowid);
}

/** Returns identity ids keyed by person id. */
function insertIdentities(db: Db, datasetId: number, images: readonly ImportedImage[]): Map<number, number> {
  const personIds = [...new Set(images.map((image) => image.personId))].sort((a, b) => a - b);
  const insert = db.prepare('INSERT INTO identities (dataset_id, person_id) VALUES (?, ?)');

  const identityIds = new Map<number, number>();
  for (const personId of personIds) identityIds.set(personId, Number(insert.run(datasetId, personId).lastInsertRowid));
  return identityIds;
}

function insertImages(db: Db, datasetId: number, identityIds: Map<number, number>, images: readonly ImportedImage[]): void {
  const insert = db.prepare(
    'INSERT INTO images (dataset_id, identity_id, split, camera_id, path, content_hash, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const image of images) {
    insert.run(datasetId, identityIds.get(image.personId), image.split, image.cameraId, image.relativePath, image.contentHash, image.width, image.height);
  }
}

/** Stores every attribute's schema, and values only for identities that have images. */
function insertAttributes(db: Db, datasetId: number, identityIds: Map<number, number>, table: AttributeTable): void {
  const insertSchema = db.prepare('INSERT INTO attribute_schemas (dataset_id, name, value_meanings, position) VALUES (?, ?, ?, ?)');
  const attributeIds = table.attributes.map((attribute, position) =>
    Number(insertSchema.run(datasetId, attribute.name, JSON.stringify(attribute.valueMeanings), position).lastInsertRowid),
  );

  const insertValue = db.prepare('INSERT INTO attribute_values (identity_id, attribute_id, value) VALUES (?, ?, ?)');
  for (const [personId, codes] of table.rows) {
    const identityId = identityIds.get(personId);
    if (identityId === undefined) continue;
    codes.forEach((code, i) => {
      if (code !== null) insertValue.run(identityId, attributeIds[i], code);
    });
  }
}
