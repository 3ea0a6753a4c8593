import type { ImageRef, Split } from '../schemas';
import type { Db } from '../../db/workspace';
import { NotFoundError, ValidationError } from '../../errors';

/** Lists the images of one split of a dataset in image id order, with their identity and camera. */
export function splitImages(db: Db, datasetId: number, split: Split): ImageRef[] {
  return db
    .prepare(
      `SELECT images.id AS imageId, identities.person_id AS personId, images.camera_id AS cameraId,
              images.split AS split, images.path AS path, images.width AS width, images.height AS height
       FROM images JOIN identities ON identities.id = images.identity_id
       WHERE images.dataset_id = ? AND images.split = ?
       ORDER BY images.id`,
    )
    .all(datasetId, split) as ImageRef[];
}

export function imageRef(db: Db, imageId: number): ImageRef & { datasetId: number } {
  const row = db
    .prepare(
      `SELECT images.id AS imageId, images.dataset_id AS datasetId, identities.person_id AS personId, images.camera_id AS cameraId,
              images.split AS split, images.path AS path, images.width AS width, images.height AS height
       FROM images JOIN identities ON identities.id = images.identity_id
       WHERE images.id = ?`,
    )
    .get(imageId) as (ImageRef & { datasetId: number }) | undefined;
  if (!row) throw new NotFoundError(`Image ${imageId} does not exist in this workspace.`);
  return row;
}

export function requireNonEmpty(images: ImageRef[], split: Split, datasetId: number): void {
  if (images.length === 0) throw new ValidationError(`Dataset ${datasetId} has no ${split} images, so it cannot be searched or evaluated.`);
}
