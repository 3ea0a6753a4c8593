import { ShapeError, ValidationError } from '../errors';

/**
 * Returns a copy of `features` (row-major, `dimension` columns) with every row
 * scaled to unit Euclidean length. Norms are accumulated in float64. With
 * `shared`, the copy lives in a SharedArrayBuffer, which worker threads read
 * without copying it. Throws ValidationError for a row with a non-finite
 * value or a zero norm, because such a row has no direction to compare.
 */
export function l2Normalize(features: Float32Array, dimension: number, { shared = false } = {}): Float32Array {
  const rowCount = countRows(features, dimension, 'features');
  const normalized = shared ? new Float32Array(new SharedArrayBuffer(features.byteLength)) : new Float32Array(features.length);

  for (let row = 0; row < rowCount; row += 1) {
    const start = row * dimension;
    let squaredNorm = 0;
    for (let k = start; k < start + dimension; k += 1) squaredNorm += features[k] * features[k];

    if (!Number.isFinite(squaredNorm) || squaredNorm === 0) {
      throw new ValidationError(
        `Feature row ${row} has ${squaredNorm === 0 ? 'a zero norm' : 'a non-finite value'}, so it cannot be L2-normalised; re-embed that image.`,
      );
    }

    const scale = 1 / Math.sqrt(squaredNorm);
    for (let k = start; k < start + dimension; k += 1) normalized[k] = features[k] * scale;
  }

  return normalized;
}

/**
 * Returns the number of rows of a row-major matrix. Throws ValidationError
 * when `dimension` is not a positive integer and ShapeError when the length
 * is not a multiple of it.
 */
export function countRows(features: Float32Array, dimension: number, name: string): number {
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new ValidationError(`The feature dimension must be a positive integer, got ${dimension}.`);
  }
  if (features.length % dimension !== 0) {
    throw new ShapeError(
      `${name} has ${features.length} values, which is not a multiple of the feature dimension ${dimension}; pass whole rows.`,
    );
  }
  return features.length / dimension;
}
