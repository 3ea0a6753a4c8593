import type { Worker } from 'node:worker_threads';
import { AppError, deserializeError, InternalError } from '../../errors';
import { createLogger } from '../../log';
import { startModuleWorker, workerModuleUrl } from '../runtime';
import type { EmbeddingWorkerSetup, ImageSource, WorkerReply } from './worker-protocol';

const log = createLogger('EmbeddingPool');

/** A failed embedding request, with `sourceIndex` set to the image that failed when one did. */
export class EmbedRequestError extends Error {
  constructor(
    readonly sourceIndex: number | null,
    readonly failure: AppError,
  ) {
    super(failure.message);
  }
}

interface PendingRequest {
  imageCount: number;
  resolve(features: Float32Array): void;
  reject(error: Error): void;
}

interface WorkerSlot {
  worker: Worker;
  pending: Map<number, PendingRequest>;
  /** Images sent to this worker without a reply yet. New requests go to the least loaded slot. */
  imagesInFlight: number;
  /** False once the worker crashed or exited, so that no request waits on it. */
  alive: boolean;
}

/** Worker threads that each hold one inference session of the same model. */
export class EmbeddingWorkerPool {
  private nextRequestId = 1;
  private closed = false;
  private unrefIdle = false;

  private constructor(private readonly slots: WorkerSlot[]) {}

  static async start(setup: EmbeddingWorkerSetup, workerCount: number): Promise<EmbeddingWorkerPool> {
    const entry = workerModuleUrl(import.meta.url, 'embedding-worker');
    const workers = Array.from({ length: workerCount }, () => startModuleWorker(entry, setup));
    const started = await Promise.allSettled(workers.map(waitUntilReady));

    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw failure.reason;
    }

    const pool = new EmbeddingWorkerPool(workers.map((worker) => ({ worker, pending: new Map(), imagesInFlight: 0, alive: true })));
    for (const slot of pool.slots) pool.listen(slot);
    log.debug('started embedding workers', { workers: workerCount, provider: setup.provider, intraOpThreads: setup.intraOpThreads });
    return pool;
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Embeds the images in one worker and returns their features, row-major in source order. */
  embed(sources: ImageSource[], expectedHashes?: (string | null)[]): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new InternalError('The embedding worker pool is closed. Start a new one.'));
    const alive = this.slots.filter((candidate) => candidate.alive);
    if (alive.length === 0) return Promise.reject(new InternalError('Every embedding worker of the pool has exited. Start a new pool.'));

    const slot = alive.reduce((least, candidate) => (candidate.imagesInFlight < least.imagesInFlight ? candidate : least));
    const requestId = this.nextRequestId++;
    slot.imagesInFlight += sources.length;
    slot.worker.ref();

    return new Promise((resolve, reject) => {
      slot.pending.set(requestId, { imageCount: sources.length, resolve, reject });
      slot.worker.postMessage({ kind: 'embed', requestId, sources, expectedHashes });
    });
  }

  /** Lets the process exit while no request is pending; a pending request still keeps it alive. */
  unrefWhenIdle(): void {
    this.unrefIdle = true;
    for (const slot of this.slots) if (slot.pending.size === 0) slot.worker.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) rejectAll(slot, new InternalError('The embedding worker pool closed before the request finished.'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private listen(slot: WorkerSlot): void {
    slot.worker.on('message', (reply: WorkerReply) => this.settle(slot, reply));
    slot.worker.on('error', (error) => {
      log.error('embedding worker crashed', { error });
      slot.alive = false;
      rejectAll(slot, new InternalError(`An embedding worker crashed: ${error.message}`, { cause: error }));
    });
    slot.worker.on('exit', (exitCode) => {
      slot.alive = false;
      if (!this.closed) rejectAll(slot, new InternalError(`An embedding worker exited with code ${exitCode} while requests were pending.`));
    });
  }

  private settle(slot: WorkerSlot, reply: WorkerReply): void {
    if (reply.kind !== 'embedded' && reply.kind !== 'failed') return;
    const request = slot.pending.get(reply.requestId);
    if (!request) return;

    slot.pending.delete(reply.requestId);
    slot.imagesInFlight -= request.imageCount;
    if (this.unrefIdle && slot.pending.size === 0) slot.worker.unref();
    if (reply.kind === 'embedded') request.resolve(reply.features);
    else request.reject(new EmbedRequestError(reply.sourceIndex, deserializeError(reply.error)));
  }
}

function waitUntilReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.kind === 'ready') resolve();
      if (reply.kind === 'startFailed') reject(deserializeError(reply.error));
      if (reply.kind === 'ready' || reply.kind === 'startFailed') cleanUp();
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(new InternalError(`An embedding worker failed to start: ${error.message}`, { cause: error }));
    };
    const cleanUp = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}

function rejectAll(slot: WorkerSlot, error: Error): void {
  for (const request of slot.pending.values()) request.reject(error);
  slot.pending.clear();
  slot.imagesInFlight = 0;
}
