import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { CancelledError, deserializeError, InternalError } from '../errors';
import { createLogger } from '../log';
import { startModuleWorker, workerModuleUrl } from '../ml/runtime';
import { blockRowCount, type BlockOptions, type DistanceBlock } from './distance-blocks';
import type { DistanceWorkerReply, DistanceWorkerRequest } from './distance-worker-protocol';
import { countRows } from './normalize';

const log = createLogger('Retrieval');

/**
 * Blocks requested ahead of the one being visited. With two, the worker
 * starts the next block as soon as it finishes one, even when a visit takes
 * longer than a block, so at most three blocks exist at once.
 */
const blocksAhead = 2;

interface PendingBlock {
  resolve(block: DistanceBlock): void;
  reject(error: Error): void;
}

interface OpenRun {
  columnCount: number;
  /** Requested blocks in request order, which is the order of the worker's replies. */
  pending: PendingBlock[];
  /** Set once the run failed, so that later requests fail at once. */
  failure: Error | null;
}

/** The one worker thread that computes distance blocks, started on first use. */
class DistanceWorker {
  private readonly runs = new Map<number, OpenRun>();
  private nextRunId = 1;
  private exited = false;

  constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (reply: DistanceWorkerReply) => this.settle(reply));
    worker.on('error', (error) => {
      log.error('distance worker crashed', { error });
      this.failAll(new InternalError(`The distance worker crashed: ${error.message}. Retry the evaluation.`, { cause: error }));
    });
    worker.on('exit', (exitCode) => {
      this.failAll(new InternalError(`The distance worker exited with code ${exitCode} while blocks were pending. Retry the evaluation.`));
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Sends both matrices to the worker (a copy) and returns the new run's id. */
  open(rows: Float32Array, columns: Float32Array, dimension: number, rowsPerBlock: number): number {
    const runId = this.nextRunId++;
    this.runs.set(runId, { columnCount: columns.length / dimension, pending: [], failure: null });
    if (this.runs.size === 1) this.worker.ref();
    this.post({ kind: 'open', runId, rows, columns, dimension, rowsPerBlock });
    return runId;
  }

  /** Requests a block; the promise settles when the worker has computed it or the run failed. */
  request(runId: number, firstRow: number): Promise<DistanceBlock> {
    const run = this.runs.get(runId);
    if (!run) return Promise.reject(new InternalError(`Distance run ${runId} is not open.`));
    if (run.failure) return Promise.reject(run.failure);

    const block = new Promise<DistanceBlock>((resolve, reject) => run.pending.push({ resolve, reject }));
    this.post({ kind: 'block', runId, firstRow });
    return block;
  }

  close(runId: number): void {
    const run = this.runs.get(runId);
    if (!run) return;

    this.runs.delete(runId);
    run.pending.forEach((pending) => pending.reject(new CancelledError()));
    if (!this.exited) this.post({ kind: 'close', runId });
    if (this.runs.size === 0) this.worker.unref();
  }

  /** Asks the worker to exit after its block in progress and resolves once it has. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.worker, 'exit');
    // An unreferenced worker would let the process end before its exit event.
    this.worker.ref();
    this.post({ kind: 'stop' });
    await exit;
  }

  private post(request: DistanceWorkerRequest): void {
    this.worker.postMessage(request);
  }

  private settle(reply: DistanceWorkerReply): void {
    const run = this.runs.get(reply.runId);
    if (!run) return;

    if (reply.kind === 'failed') {
      this.failRun(run, deserializeError(reply.error));
      return;
    }
    const { firstRow, rowCount, squaredDistances } = reply;
    const keys = new Int32Array(squaredDistances.buffer, squaredDistances.byteOffset, squaredDistances.length);
    run.pending.shift()?.resolve({ firstRow, rowCount, columnCount: run.columnCount, squaredDistances, keys });
  }

  private failRun(run: OpenRun, error: Error): void {
    run.failure = error;
    run.pending.forEach((pending) => pending.reject(error));
    run.pending = [];
  }

  private failAll(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    if (worker === this) worker = null;
    for (const run of this.runs.values()) this.failRun(run, error);
  }
}

let worker: DistanceWorker | null = null;

function distanceWorker(): DistanceWorker {
  if (!worker?.alive) {
    worker = new DistanceWorker(startModuleWorker(workerModuleUrl(import.meta.url, 'distance-worker'), null));
  }
  return worker;
}

/**
 * Does what forEachDistanceBlock does, but ONNX Runtime computes the blocks
 * on a worker thread while `visit` works on the main thread, so the two
 * overlap. The worker copies both matrices. It copies a matrix in a
 * SharedArrayBuffer (see l2Normalize) on its own thread. Any other matrix is
 * also cloned on this thread, which took about 50 ms for 20,000 x 512 values
 * on a busy 2-core machine. Rejects with
 * InternalError when the worker crashes or exits, with the worker's error
 * when a block fails, and with CancelledError before the first block or
 * between blocks once `signal` is aborted.
 */
export async function forEachDistanceBlockInWorker(rows: Float32Array, columns: Float32Array, dimension: number, options: BlockOptions<DistanceBlock>): Promise<void> {
  const rowCount = countRows(rows, dimension, 'The row matrix');
  const columnCount = countRows(columns, dimension, 'The column matrix');
  if (rowCount === 0 || columnCount === 0) return;
  if (options.signal?.aborted) throw new CancelledError();

  const rowsPerBlock = blockRowCount(rowCount, columnCount);
  const thread = distanceWorker();
  const runId = thread.open(rows, columns, dimension, rowsPerBlock);
  const blocks: Promise<DistanceBlock>[] = [];
  let nextRow = 0;
  const requestNext = () => {
    if (nextRow >= rowCount) return;
    blocks.push(thread.request(runId, nextRow));
    nextRow += rowsPerBlock;
  };

  try {
    for (let ahead = 0; ahead < blocksAhead; ahead += 1) requestNext();
    while (blocks.length > 0) {
      const block = await blocks.shift()!;
      requestNext();

      options.visit(block);
      if (options.signal?.aborted) throw new CancelledError();
    }
  } finally {
    // Requests still pending settle with CancelledError, and no caller awaits them.
    blocks.forEach((block) => block.catch(() => {}));
    thread.close(runId);
  }
}

/**
 * Ends the distance worker once its block in progress is done. Runs in
 * progress fail with InternalError, and the next run starts a new worker.
 * NOTE: a process that exits while the worker runs a block (process.exit,
 * app quit) can abort with "terminate called after throwing an instance of
 * Napi::Error" under onnxruntime-node 1.31, so await this before exiting.
 */
export async function stopDistanceWorker(): Promise<void> {
  const current = worker;
  worker = null;
  await current?.stop();
}
