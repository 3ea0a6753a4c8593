import type { IdentityDetail, IdentitySummary, ImageRef, Split } from '../api/schemas';
import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import type { ValueMeanings } from './attribute-meanings';
import { requireDataset } from './dataset-queries';

export interface IdentityPageRequest {
  datasetId: number;
  /** When set, only identities with images in this split, and counts over that split only. */
  split?: Split;
  offset: number;
  limit: number;
}

const maxPageSize = 1000;
const splitOrder: readonly Split[] = ['train', 'query', 'gallery'];

interface IdentityPageRow {
  id: number;
  person_id: number;
  image_count: number;
  camera_count: number;
  cover_image_id: number;
  splits: string;
}

/**
 * Returns one page of a dataset's identities, ordered by person id. `splits` always
 * lists every split the identity appears in; the other counts follow the filter.
 */
export function listIdentities(db: Db, request: IdentityPageRequest): { total: number; items: IdentitySummary[] } {
  validatePage(request);
  requireDataset(db, request.datasetId);
  const split = request.split ?? null;

  const { total } = db
    .prepare('SELECT COUNT(DISTINCT identity_id) AS total FROM images WHERE dataset_id = ? AND (? IS NULL OR split = ?)')
    .get(request.datasetId, split, split) as { total: number };

  const rows = db
    .prepare(
      `SELECT identities.id, identities.person_id,
              COUNT(*) AS image_count,
              COUNT(DISTINCT images.camera_id) AS camera_count,
              MIN(images.id) AS cover_image_id,
              (SELECT GROUP_CONCAT(DISTINCT other.split) FROM images AS other WHERE other.identity_id = identities.id) AS splits
       FROM identities JOIN images ON images.identity_id = identities.id
       WHERE identities.dataset_id = ? AND (? IS NULL OR images.split = ?)
       GROUP BY identities.id
       ORDER BY identities.person_id
       LIMIT ? OFFSET ?`,
    )
    .all(request.datasetId, split, split, request.limit, request.offset) as IdentityPageRow[];

  return { total, items: rows.map(toIdentitySummary) };
}

function validatePage(request: IdentityPageRequest): void {
  if (!Number.isInteger(request.offset) || request.offset < 0) {
    throw new ValidationError(`Page offset ${request.offset} is invalid; pass a whole number of 0 or more.`);
  }
  if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > maxPageSize) {
    throw new ValidationError(`Page limit ${request.limit} is invalid; pass a whole number from 1 to ${maxPageSize}.`);
  }
  if (request.split !== undefined && !splitOrder.includes(request.split)) {
    throw new ValidationError(`Split "${request.split}" is invalid; pass one of ${splitOrder.join(', ')}.`);
  }
}

function toIdentitySummary(row: IdentityPageRow): IdentitySummary {
  const splits = new Set(row.splits.split(','));
  return {
    identityId: row.id,
    personId: row.person_id,
    imageCount: row.image_count,
    cameraCount: row.camera_count,
    splits: splitOrder.filter((split) => splits.has(split)),
    coverImageId: row.cover_image_id,
  };
}

interface ImageRow {
  id: number;
  camera_id: number;
  split: Split;
  path: string;
  width: number;
  height: number;
}

/** Returns one identity's images grouped by camera (cameras ascending) and its attribute table in schema order. */
export function getIdentity(db: Db, identityId: number): IdentityDetail {
  const identity = db.prepare('SELECT id, dataset_id, person_id FROM identities WHERE id = ?').get(identityId) as
    | { id: number; dataset_id: number; person_id: number }
    | undefined;
  if (identity === undefined) throw new NotFoundError(`Identity ${identityId} does not exist in this workspace. List the identities of a dataset to find its id.`);

  const images = db
    .prepare('SELECT id, camera_id, split, path, width, height FROM images WHERE identity_id = ? ORDER BY camera_id, split, path')
    .all(identityId) as ImageRow[];

  return {
    identityId: identity.id,
    datasetId: identity.dataset_id,
    personId: identity.person_id,
    cameras: groupByCamera(images, identity.person_id),
    attributes: readAttributes(db, identityId),
  };
}

function groupByCamera(images: ImageRow[], personId: number): IdentityDetail['cameras'] {
  const cameras = new Map<number, ImageRef[]>();
  for (const image of images) {
    const group = cameras.get(image.camera_id) ?? [];
    group.push({ imageId: image.id, personId, cameraId: image.camera_id, split: image.split, path: image.path, width: image.width, height: image.height });
    cameras.set(image.camera_id, group);
  }
  return [...cameras].map(([cameraId, cameraImages]) => ({ cameraId, images: cameraImages }));
}

function readAttributes(db: Db, identityId: number): IdentityDetail['attributes'] {
  const rows = db
    .prepare(
      `SELECT attribute_schemas.name, attribute_schemas.value_meanings, attribute_values.value
       FROM attribute_values JOIN attribute_schemas ON attribute_schemas.id = attribute_values.attribute_id
       WHERE attribute_values.identity_id = ?
       ORDER BY attribute_schemas.position`,
    )
    .all(identityId) as { name: string; value_meanings: string; value: number }[];

  return rows.map((row) => {
    const meanings = JSON.parse(row.value_meanings) as ValueMeanings;
    const choices = Object.entries(meanings).map(([value, meaning]) => ({ value: Number(value), meaning }));
    return { name: row.name, value: row.value, meaning: meanings[String(row.value)] ?? `code ${row.value}`, choices };
  });
}
