import { availableParallelism } from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { CancelledError, InternalError } from '../errors';
import { createLogger } from '../log';
import { buildSquaredDistanceModel, squaredDistanceModel } from './gemm-model';

const log = createLogger('Retrieval');

/**
 * Upper bound on the values of one distance block: 4 Mi float32 values, 16 MiB.
 * At most two blocks exist at once (one computed while the other is ranked),
 * so a 20,000-image gallery never needs its full query x gallery matrix.
 */
const blockValues = 4 * 1024 * 1024;

let sessionPromise: Promise<InferenceSession> | null = null;

function distanceSession(): Promise<InferenceSession> {
  sessionPromise ??= InferenceSession.create(buildSquaredDistanceModel(), {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  }).catch((error: unknown) => {
    sessionPromise = null;
    throw new InternalError(`ONNX Runtime could not load the squared-distance GEMM model: ${String(error)}.`, { cause: error });
  });
  return sessionPromise;
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

export interface BlockOptions {
  signal?: AbortSignal;
  /** Called with each block in row order; the block is released after the call returns. */
  visit(block: DistanceBlock): void;
}

/**
 * Computes squared Euclidean distances between every row of `rows` and every
 * row of `columns` block by block, and hands each block to `visit`. Both
 * matrices must hold unit-length rows (see l2Normalize). The next block is
 * computed by ONNX Runtime's threads while `visit` ranks the current one.
 * Throws CancelledError before the first block or between blocks once
 * `signal` is aborted.
 */
export async function forEachDistanceBlock(rows: Float32Array, columns: Float32Array, dimension: number, options: BlockOptions): Promise<void> {
  const rowCount = rows.length / dimension;
  const columnCount = columns.length / dimension;
  if (rowCount === 0 || columnCount === 0) return;

  if (options.signal?.aborted) throw new CancelledError();
  const session = await distanceSession();
  const columnTensor = new Tensor('float32', columns, [columnCount, dimension]);
  const rowsPerBlock = Math.max(1, Math.min(rowCount, Math.floor(blockValues / columnCount)));

  const computeBlock = async (firstRow: number): Promise<DistanceBlock> => {
    const count = Math.min(rowsPerBlock, rowCount - firstRow);
    const rowTensor = new Tensor('float32', rows.subarray(firstRow * dimension, (firstRow + count) * dimension), [count, dimension]);
    const result = await session.run({ [squaredDistanceModel.rowsInput]: rowTensor, [squaredDistanceModel.columnsInput]: columnTensor });
    const squaredDistances = result[squaredDistanceModel.output].data as Float32Array;
    const keys = new Int32Array(squaredDistances.buffer, squaredDistances.byteOffset, squaredDistances.length);
    return { firstRow, rowCount: count, columnCount, squaredDistances, keys };
  };

  let pending: Promise<DistanceBlock> | null = computeBlock(0);
  try {
    while (pending) {
      const block: DistanceBlock = await pending;
      const nextRow = block.firstRow + block.rowCount;
      pending = nextRow < rowCount ? computeBlock(nextRow) : null;

      options.visit(block);
      if (options.signal?.aborted) throw new CancelledError();
    }
  } catch (error) {
    // The block already started still settles; its result or error is dropped.
    pending?.catch((late: unknown) => log.debug('discarded distance block after a stop', { error: late }));
    throw error;
  }
}
