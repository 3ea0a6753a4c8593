import type { ModelCard } from '../../api/schemas';
import type { SerializedError } from '../../errors';
import type { ExecutionProvider } from '../runtime';

/** Messages between the embedding worker pool and its worker threads. */

export interface EmbeddingWorkerSetup {
  /** The ONNX file's bytes, whose hash the pool checked against the registered model. */
  modelBytes: Uint8Array;
  /** The model's file path, for error messages. */
  modelLabel: string;
  card: ModelCard;
  provider: ExecutionProvider;
  intraOpThreads: number;
  /** Batch size the model input declares, or null when it is symbolic. */
  fixedBatch: number | null;
  featureDimension: number;
}

/** An image file path or encoded image bytes. */
export type ImageSource = string | Uint8Array;

export interface EmbedRequest {
  kind: 'embed';
  requestId: number;
  sources: ImageSource[];
  /** sha256 (hex) of each source file as imported, or null where unknown; a file whose bytes differ is rejected. */
  expectedHashes?: (string | null)[];
}

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'startFailed'; error: SerializedError }
  /** Features of all sources of the request, row-major, sources.length x featureDimension. */
  | { kind: 'embedded'; requestId: number; features: Float32Array }
  /** `sourceIndex` is the image that failed, or null when the batch failed as a whole. */
  | { kind: 'failed'; requestId: number; sourceIndex: number | null; error: SerializedError };
