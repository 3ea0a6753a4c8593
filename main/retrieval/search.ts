import { ShapeError, ValidationError } from '../errors';
import { squaredEuclidean } from './euclidean';
import { NearestList } from './nearest-list';
import { countRows } from './normalize';
import type { RankedItem } from './query-ranking';

/**
 * Returns the `topK` gallery rows nearest to `queryFeature` by Euclidean
 * distance, nearest first, with equal distances ordered by ascending gallery
 * index. Rows for which `exclude` returns true are skipped (for example the
 * query's own identity seen by its own camera). Distances are taken between
 * the vectors as given, so pass L2-normalised features (l2Normalize) to match
 * the evaluation protocol. Runs synchronously in one pass, without sorting
 * the gallery.
 */
export function rankGallery(
  queryFeature: Float32Array,
  gallery: Float32Array,
  dimension: number,
  topK: number,
  exclude?: (galleryIndex: number) => boolean,
): RankedItem[] {
  const galleryCount = countRows(gallery, dimension, 'The gallery features');
  if (queryFeature.length !== dimension) {
    throw new ShapeError(`The query feature has ${queryFeature.length} values but the gallery has dimension ${dimension}; embed both with the same model.`);
  }
  if (!Number.isInteger(topK) || topK < 0) {
    throw new ValidationError(`topK must be a non-negative integer, got ${topK}.`);
  }

  const nearest = new NearestList(Math.min(topK, galleryCount));
  for (let galleryIndex = 0; galleryIndex < galleryCount; galleryIndex += 1) {
    if (exclude?.(galleryIndex)) continue;
    const squaredDistance = squaredEuclidean(queryFeature, 0, gallery, galleryIndex, dimension);
    if (squaredDistance <= nearest.bound) nearest.offer(squaredDistance, galleryIndex);
  }

  return nearest.sorted().map(({ index, distance }) => ({ galleryIndex: index, distance: Math.sqrt(distance) }));
}
