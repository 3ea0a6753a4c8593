import { CancelledError } from '../errors';
import { createLogger } from '../log';
import { float32Tensor, type HostTensor } from '../ml/runtime';
import { buildNearestNeighbourModel, buildSquaredDistanceModel, modelNames } from './distance-models';
import { loadSession } from './distance-sessions';

const log = createLogger('Retrieval');

/**
 * Upper bound on the distances of one block: 4 Mi float32 values, 16 MiB.
 * Only a few blocks exist at once, so a 20,000-image gallery never needs its
 * full query x gallery matrix.
 */
const blockValues = 4 * 1024 * 1024;

/**
 * Returns `matrix`, or a private copy of it when it lives in a
 * SharedArrayBuffer, because onnxruntime-node 1.31 rejects tensors over
 * shared memory with "Invalid argument".
 */
export function unsharedMatrix(matrix: Float32Array): Float32Array {
  return matrix.buffer instanceof SharedArrayBuffer ? matrix.slice() : matrix;
}

/** Rows per block for a matrix of `columnCount` columns: as many as fit in one block, at least 1. */
export function blockRowCount(rowCount: number, columnCount: number): number {
  return Math.max(1, Math.min(rowCount, Math.floor(blockValues / columnCount)));
}

export interface DistanceBlock {
  /** Index of the block's first row in the row matrix. */
  firstRow: number;
  rowCount: number;
  columnCount: number;
  /** Row-major rowCount x columnCount squared Euclidean distances, float32, each +0 or positive. */
  squaredDistances: Float32Array;
  /** The same memory read as int32, which orders these values exactly like the floats. */
  keys: Int32Array;
}

export interface NeighbourBlock {
  firstRow: number;
  rowCount: number;
  /** Entries per row. */
  nearestCount: number;
  /** Row-major rowCount x nearestCount column indices, nearest first, ties by lower index. */
  nearestIndices: BigInt64Array;
  /** Largest squared distance of each row. */
  rowMax: Float32Array;
}

export interface BlockOptions<Block> {
  signal?: AbortSignal;
  /** Called with each block in row order; the block is released after the call returns. */
  visit(block: Block): void;
}

/**
 * Computes squared Euclidean distances between every row of `rows` and every
 * row of `columns` block by block, and hands each block to `visit`. Both
 * matrices must hold unit-length rows (see l2Normalize).
 */
export async function forEachDistanceBlock(rows: Float32Array, columns: Float32Array, dimension: number, options: BlockOptions<DistanceBlock>): Promise<void> {
  const columnCount = columns.length / dimension;
  const session = await loadSession('squared-distance', buildSquaredDistanceModel);
  const columnTensor = float32Tensor(unsharedMatrix(columns), [columnCount, dimension]);

  await forEachRowBlock(unsharedMatrix(rows), dimension, columnCount, options, async (firstRow, rowTensor) => {
    const result = await session.run({ [modelNames.rows]: rowTensor, [modelNames.columns]: columnTensor });
    const squaredDistances = result[modelNames.squaredDistances].data as Float32Array;
    const keys = new Int32Array(squaredDistances.buffer, squaredDistances.byteOffset, squaredDistances.length);
    return { firstRow, rowCount: rowTensor.dims[0], columnCount, squaredDistances, keys };
  });
}

/**
 * Finds, for every row of `rows`, the `nearestCount` nearest rows of
 * `columns` and the largest squared distance, block by block. Only those
 * small results leave ONNX Runtime. Both matrices must hold unit-length rows.
 */
export async function forEachNeighbourBlock(
  rows: Float32Array,
  columns: Float32Array,
  dimension: number,
  nearestCount: number,
  options: BlockOptions<NeighbourBlock>,
): Promise<void> {
  const columnCount = columns.length / dimension;
  const session = await loadSession('nearest-neighbour', buildNearestNeighbourModel);
  const columnTensor = float32Tensor(unsharedMatrix(columns), [columnCount, dimension]);
  const countTensor: HostTensor = { type: 'int64', data: BigInt64Array.of(BigInt(nearestCount)), dims: [1] };

  await forEachRowBlock(unsharedMatrix(rows), dimension, columnCount, options, async (firstRow, rowTensor) => {
    const result = await session.run({ [modelNames.rows]: rowTensor, [modelNames.columns]: columnTensor, [modelNames.nearestCount]: countTensor });
    return {
      firstRow,
      rowCount: rowTensor.dims[0],
      nearestCount,
      nearestIndices: result[modelNames.nearestIndices].data as BigInt64Array,
      rowMax: result[modelNames.rowMax].data as Float32Array,
    };
  });
}

/**
 * Runs `compute` on consecutive blocks of rows and `visit` on each result in
 * order. The next block is started before `visit` works on the current one,
 * but onnxruntime-node runs a session on the calling thread, so on the main
 * thread the two still take turns (see distance-worker-client.ts for a
 * worker that overlaps them). Throws CancelledError before the first block
 * or between blocks once `signal` is aborted.
 */
async function forEachRowBlock<Block>(
  rows: Float32Array,
  dimension: number,
  columnCount: number,
  options: BlockOptions<Block>,
  compute: (firstRow: number, rowTensor: HostTensor) => Promise<Block>,
): Promise<void> {
  const rowCount = rows.length / dimension;
  if (rowCount === 0 || columnCount === 0) return;
  if (options.signal?.aborted) throw new CancelledError();

  const rowsPerBlock = blockRowCount(rowCount, columnCount);
  const start = (firstRow: number): { firstRow: number; block: Promise<Block> } => {
    const count = Math.min(rowsPerBlock, rowCount - firstRow);
    const rowTensor = float32Tensor(rows.subarray(firstRow * dimension, (firstRow + count) * dimension), [count, dimension]);
    return { firstRow: firstRow + count, block: compute(firstRow, rowTensor) };
  };

  let pending: { firstRow: number; block: Promise<Block> } | null = start(0);
  try {
    while (pending) {
      const block: Block = await pending.block;
      pending = pending.firstRow < rowCount ? start(pending.firstRow) : null;

      options.visit(block);
      if (options.signal?.aborted) throw new CancelledError();
    }
  } catch (error) {
    // The block already started still settles; its result or error is dropped.
    pending?.block.catch((late: unknown) => log.debug('discarded distance block after a stop', { error: late }));
    throw error;
  }
}
