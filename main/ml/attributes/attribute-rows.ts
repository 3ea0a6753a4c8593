import type { Split } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { NotFoundError, ValidationError } from '../../errors';
import type { AttributeSchema } from './head-plans';

/** An image whose identity has attribute values, with those values by attribute name. */
export interface AttributeImage {
  imageId: number;
  split: Split;
  codes: ReadonlyMap<string, number>;
}

/** Reads a dataset's attribute schema in file order; rejects a dataset imported without an attribute file. */
export function readAttributeSchemas(db: Db, datasetId: number): AttributeSchema[] {
  const dataset = db.prepare('SELECT name FROM datasets WHERE id = ?').get(datasetId) as { name: string } | undefined;
  if (!dataset) throw new NotFoundError(`Dataset ${datasetId} does not exist in this workspace. Import it first or pick another dataset.`);

  const rows = db.prepare('SELECT name, value_meanings FROM attribute_schemas WHERE dataset_id = ? ORDER BY position').all(datasetId) as { name: string; value_meanings: string }[];
  if (rows.length === 0) {
    throw new ValidationError(`Dataset ${datasetId} ("${dataset.name}") has no attributes, so there is nothing to train attribute heads on. Import it again with its attribute file.`);
  }
  return rows.map((row) => ({ name: row.name, valueMeanings: JSON.parse(row.value_meanings) as Record<string, string> }));
}

/** Lists the images of a dataset whose identity has at least one attribute value, in image id order. */
export function readAttributeImages(db: Db, datasetId: number): AttributeImage[] {
  const values = db
    .prepare(
      `SELECT v.identity_id AS identityId, s.name AS name, v.value AS value
         FROM attribute_values v JOIN attribute_schemas s ON s.id = v.attribute_id
        WHERE s.dataset_id = ?`,
    )
    .all(datasetId) as { identityId: number; name: string; value: number }[];
  const codesByIdentity = new Map<number, Map<string, number>>();
  for (const row of values) {
    let codes = codesByIdentity.get(row.identityId);
    if (!codes) codesByIdentity.set(row.identityId, (codes = new Map()));
    codes.set(row.name, row.value);
  }

  const images = db.prepare('SELECT id AS imageId, split, identity_id AS identityId FROM images WHERE dataset_id = ? ORDER BY id').all(datasetId) as { imageId: number; split: Split; identityId: number }[];
  return images.filter((image) => codesByIdentity.has(image.identityId)).map((image) => ({ imageId: image.imageId, split: image.split, codes: codesByIdentity.get(image.identityId)! }));
}
