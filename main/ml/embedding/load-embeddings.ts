import type { Db } from '../../db/workspace';
import { InternalError, NotFoundError } from '../../errors';
import { getModel } from '../models';
import { readEmbeddings } from './embedding-store';

/**
 * Loads the raw (not normalised) embeddings of images for a model, row-major
 * in `imageIds` order. Throws NotFoundError when any image has none.
 */
export function loadEmbeddings(db: Db, modelId: number, imageIds: number[]): { dimension: number; features: Float32Array } {
  const model = getModel(db, modelId);
  const stored = readEmbeddings(db, model.contentHash, imageIds);

  const missing = stored.filter((row) => row.vector === null);
  if (missing.length > 0) {
    const examples = missing.slice(0, 5).map((row) => row.imageId).join(', ');
    throw new NotFoundError(
      `${missing.length} of ${imageIds.length} images have no embedding for model ${modelId} ("${model.name}"), such as image ids ${examples}. Run embeddings first for their dataset.`,
    );
  }

  const dimension = stored.length > 0 ? stored[0].dimension! : model.featureDimension;
  const features = new Float32Array(imageIds.length * dimension);
  const bytes = new Uint8Array(features.buffer);
  stored.forEach((row, index) => {
    if (row.dimension !== dimension || row.vector!.byteLength !== dimension * 4) {
      throw new InternalError(`The embedding of image ${row.imageId} for model ${modelId} has ${row.dimension} values, but the others have ${dimension}, so the workspace's embedding cache is corrupt.`);
    }
    // Copying bytes keeps the read independent of the BLOB buffer's alignment.
    bytes.set(row.vector!, index * dimension * 4);
  });
  return { dimension, features };
}
