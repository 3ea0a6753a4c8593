import { CancelledError, ValidationError } from '../errors';
import { createLogger } from '../log';
import { forEachDistanceBlock } from './distance-blocks';
import { l2Normalize } from './normalize';
import { encodeNeighbourhoods, expandWithNearest, invertGalleryRows } from './rerank-encoding';
import { findNearestNeighbours } from './rerank-neighbours';
import type { SparseRows } from './sparse-rows';

const log = createLogger('Retrieval');

export interface RerankOptions {
  /** Neighbourhood size of the k-reciprocal sets; default 20. */
  k1?: number;
  /** Number of items (the item itself included) averaged by local query expansion; default 6. */
  k2?: number;
  /** Weight of the original distance in the final distance, in [0, 1]; default 0.3. */
  lambda?: number;
  signal?: AbortSignal;
  /** Reports rows of the query + gallery distance matrix done out of their total. */
  onProgress?(done: number, total: number): void;
}

/**
 * k-reciprocal re-ranking (Zhong et al., "Re-ranking Person
 * Re-identification with k-reciprocal Encoding", CVPR 2017) prepared for one
 * query and gallery set. Holds the sparse k-reciprocal features of all items
 * twice (by row and by column), 12 bytes per non-zero weight, and never a
 * dense item x item matrix. On the Duke test split that is about 40 weights
 * per item, under 20 MB in all.
 *
 * The original distance d is the squared Euclidean distance divided by the
 * largest one from the same query to any item, so it lies in [0, 1] like the
 * Jaccard distance. This scaling of squared distances follows the authors'
 * public code (see rerank-encoding.ts).
 */
export interface Reranker {
  queryCount: number;
  galleryCount: number;
  /**
   * Writes final distances, (1 - lambda) x Jaccard + lambda x scaled original
   * distance, for `rowCount` queries from `firstQuery`. `squaredDistances`
   * contains their original squared distances to the gallery (row-major, unit
   * features), and `out` receives rowCount x galleryCount values, each +0 or
   * positive.
   */
  combineRows(firstQuery: number, rowCount: number, squaredDistances: Float32Array, out: Float32Array): void;
}

/**
 * Builds the re-ranking state from unit-length query and gallery features.
 * The costly step is the (query + gallery)^2 distance pass, measured at
 * 2.6 s for the 19,889 Duke test images of 512 values on two cores
 * (bench/evaluation.ts). It runs block by block and stops with
 * CancelledError once `signal` is aborted.
 */
export async function prepareReranking(query: Float32Array, gallery: Float32Array, dimension: number, options: RerankOptions = {}): Promise<Reranker> {
  const { k1, k2, lambda } = checkRerankOptions(options);
  const queryCount = query.length / dimension;
  const galleryCount = gallery.length / dimension;
  const itemCount = queryCount + galleryCount;

  const all = new Float32Array(query.length + gallery.length);
  all.set(query);
  all.set(gallery, query.length);

  log.info('re-ranking started', { queries: queryCount, gallery: galleryCount, k1, k2, lambda });
  const table = await findNearestNeighbours(all, dimension, k1, {
    signal: options.signal,
    onRows: (done) => options.onProgress?.(done, itemCount),
  });
  throwIfAborted(options.signal);
  const reciprocalFeatures = encodeNeighbourhoods(table, all, dimension, k1);
  throwIfAborted(options.signal);
  const encoded = expandWithNearest(reciprocalFeatures, table, k2);
  const inverted = invertGalleryRows(encoded, queryCount);
  log.info('re-ranking encoded', { weights: encoded.columns.length });

  const accumulator = new JaccardAccumulator(encoded, inverted, galleryCount);
  return {
    queryCount,
    galleryCount,
    combineRows: (firstQuery, rowCount, squaredDistances, out) => {
      for (let row = 0; row < rowCount; row += 1) {
        const query = firstQuery + row;
        const scale = table.rowMax[query] > 0 ? table.rowMax[query] : 1;
        accumulator.writeFinalRow(query, lambda, scale, squaredDistances, row * galleryCount, out);
      }
    },
  };
}

/**
 * Returns the dense query x gallery matrix of re-ranked distances for
 * features as given (they are L2-normalised here). Meant for small sets:
 * the result takes queries x gallery x 4 bytes.
 */
export async function rerankDistances(query: Float32Array, gallery: Float32Array, dimension: number, options: RerankOptions = {}): Promise<Float32Array> {
  const queryUnit = l2Normalize(query, dimension);
  const galleryUnit = l2Normalize(gallery, dimension);
  const reranker = await prepareReranking(queryUnit, galleryUnit, dimension, options);

  const distances = new Float32Array(reranker.queryCount * reranker.galleryCount);
  await forEachDistanceBlock(queryUnit, galleryUnit, dimension, {
    signal: options.signal,
    visit: (block) => {
      const out = distances.subarray(block.firstRow * reranker.galleryCount, (block.firstRow + block.rowCount) * reranker.galleryCount);
      reranker.combineRows(block.firstRow, block.rowCount, block.squaredDistances, out);
    },
  });
  return distances;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function checkRerankOptions(options: RerankOptions): { k1: number; k2: number; lambda: number } {
  const k1 = options.k1 ?? 20;
  const k2 = options.k2 ?? 6;
  const lambda = options.lambda ?? 0.3;
  if (!Number.isInteger(k1) || k1 < 1) throw new ValidationError(`Re-ranking k1 must be a positive integer, got ${k1}.`);
  if (!Number.isInteger(k2) || k2 < 1 || k2 > k1 + 1) {
    throw new ValidationError(`Re-ranking k2 must be an integer from 1 to k1 + 1 = ${k1 + 1}, got ${k2}.`);
  }
  if (!(lambda >= 0 && lambda <= 1)) throw new ValidationError(`Re-ranking lambda must lie in [0, 1], got ${lambda}.`);
  return { k1, k2, lambda };
}

/**
 * Jaccard distance between a query's k-reciprocal feature and every gallery
 * item's: 1 - sum(min) / sum(max). Both rows sum to 1, so
 * sum(max) = 2 - sum(min), and only columns where both are non-zero matter.
 */
class JaccardAccumulator {
  private readonly minSums: Float64Array;
  private readonly touched: Uint8Array;

  constructor(
    private readonly encoded: SparseRows,
    private readonly inverted: SparseRows,
    galleryCount: number,
  ) {
    this.minSums = new Float64Array(galleryCount);
    this.touched = new Uint8Array(galleryCount);
  }

  /** Writes the final re-ranked distances from item `query` to every gallery item into `out` from `offset`. */
  writeFinalRow(query: number, lambda: number, scale: number, squaredDistances: Float32Array, offset: number, out: Float32Array): void {
    const { encoded, inverted, minSums, touched } = this;
    for (let position = encoded.rowStart[query]; position < encoded.rowStart[query + 1]; position += 1) {
      const column = encoded.columns[position];
      const weight = encoded.values[position];
      for (let entry = inverted.rowStart[column]; entry < inverted.rowStart[column + 1]; entry += 1) {
        const galleryIndex = inverted.columns[entry];
        minSums[galleryIndex] += Math.min(weight, inverted.values[entry]);
        touched[galleryIndex] = 1;
      }
    }

    for (let galleryIndex = 0; galleryIndex < minSums.length; galleryIndex += 1) {
      let jaccard = 1;
      if (touched[galleryIndex] === 1) {
        const shared = minSums[galleryIndex];
        jaccard = 1 - shared / (2 - shared);
        minSums[galleryIndex] = 0;
        touched[galleryIndex] = 0;
      }
      const original = Math.max(0, squaredDistances[offset + galleryIndex]) / scale;
      // Clipping keeps rounding below zero out, so the int32 view of `out` orders like its floats.
      out[offset + galleryIndex] = Math.max(0, (1 - lambda) * jaccard + lambda * original);
    }
  }
}
