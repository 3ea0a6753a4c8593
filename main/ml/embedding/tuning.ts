import { availableParallelism } from 'node:os';
import type { ExecutionProvider } from '../runtime';

/** Thread, request and transaction sizes of the embedding job. */
export interface EmbeddingTuning {
  /** Worker threads, each with its own inference session. */
  workers: number;
  /** Threads one session may use for one run. */
  intraOpThreads: number;
  /** Images per message to a worker, run as one batch when the model's batch dimension is symbolic. */
  imagesPerRequest: number;
  /** Requests queued at each worker, so that decoding overlaps inference. */
  requestsPerWorker: number;
  /** Embeddings per database transaction: what a cancelled or crashed job keeps. */
  chunkSize: number;
}

/**
 * Returns the defaults: one single-threaded session per core, because a run of a small ReID model
 * gains little from a second intra-op thread (OSNet x0.25: 379 runs/s on one
 * thread, 283 on two, onnxruntime-node 1.31 on a 2-core Xeon). Each worker
 * decodes its next request's JPEGs between its session's runs.
 */
export function defaultEmbeddingTuning(provider: ExecutionProvider): EmbeddingTuning {
  const cores = availableParallelism();
  return {
    // NOTE: the CUDA figures are a guess, never measured: two sessions keep the GPU fed while the other decodes.
    workers: provider === 'cuda' ? 2 : Math.max(1, cores),
    intraOpThreads: 1,
    imagesPerRequest: 16,
    requestsPerWorker: 2,
    chunkSize: 256,
  };
}
