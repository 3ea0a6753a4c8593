import type { SerializedError } from '../errors';

/** Messages between the distance worker client (main thread) and the distance worker thread. */

/** Opens a run. The worker keeps its own copy of both matrices until the run closes. */
export interface OpenRunRequest {
  kind: 'open';
  runId: number;
  /** Row-major, unit-length rows. */
  rows: Float32Array;
  /** Row-major, unit-length rows. */
  columns: Float32Array;
  dimension: number;
  rowsPerBlock: number;
}

/** Requests the block of rows that starts at `firstRow`. The worker replies to the blocks of a run in request order. */
export interface BlockRequest {
  kind: 'block';
  runId: number;
  firstRow: number;
}

/** Drops a run; block requests of it that are still queued are skipped. */
export interface CloseRunRequest {
  kind: 'close';
  runId: number;
}

/**
 * Ends the worker after the block in progress, skipping every queued block.
 * Terminating the thread from outside instead aborts the whole process when
 * it lands inside an ONNX Runtime call (onnxruntime-node 1.31).
 */
export interface StopRequest {
  kind: 'stop';
}

export type DistanceWorkerRequest = OpenRunRequest | BlockRequest | CloseRunRequest | StopRequest;

export type DistanceWorkerReply =
  /** `squaredDistances` is row-major rowCount x columnCount, and its buffer is transferred. */
  | { kind: 'block'; runId: number; firstRow: number; rowCount: number; squaredDistances: Float32Array }
  | { kind: 'failed'; runId: number; error: SerializedError };
