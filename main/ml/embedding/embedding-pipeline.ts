import type { ProgressReporter } from '../../jobs/progress';
import type { EmbeddingRow } from './embedding-store';
import type { EmbeddingWorkerPool } from './worker-pool';

/** One distinct image content to embed; `imageCount` images of the selection share it. */
export interface PipelineItem {
  imageHash: string;
  source: string;
  imageCount: number;
}

export interface PipelineOptions {
  pool: EmbeddingWorkerPool;
  items: readonly PipelineItem[];
  featureDimension: number;
  imagesPerRequest: number;
  /** Requests queued at each worker, so that it decodes the next one while it runs the model on this one. */
  requestsPerWorker: number;
  /** Embeddings per database transaction. */
  chunkSize: number;
  commit(rows: EmbeddingRow[]): void;
  progress: ProgressReporter;
  /** Images of the selection that already had embeddings, counted as done from the start. */
  cachedImages: number;
  totalImages: number;
}

export interface PipelineOutcome {
  /** Selection images covered by the embeddings this run committed. */
  embeddedImages: number;
  /** The first request failure; everything that finished was committed anyway. */
  failure: { error: unknown } | null;
  cancelled: boolean;
}

/**
 * Sends items to the pool in requests, keeps every worker busy and commits
 * the returned features in chunks. On a failure or cancellation it stops
 * sending, waits for the requests in flight and commits what they returned.
 */
export async function runEmbeddingPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const { pool, items, progress } = options;
  const maxInFlight = pool.workerCount * options.requestsPerWorker;
  const inFlight = new Set<Promise<void>>();
  const buffer = new CommitBuffer(options.chunkSize, options.commit);
  let failure: PipelineOutcome['failure'] = null;
  let completedImages = 0;

  const shouldStop = () => failure !== null || progress.signal.aborted;
  progress.update('embed', options.cachedImages, options.totalImages);

  for (let start = 0; start < items.length && !shouldStop(); start += options.imagesPerRequest) {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (shouldStop()) break;

    const batch = items.slice(start, start + options.imagesPerRequest);
    const task: Promise<void> = pool
      .embed(
        batch.map((item) => item.source),
        batch.map((item) => item.imageHash),
      )
      .then(
        (features) => {
          try {
            buffer.add(batch, features, options.featureDimension);
          } catch (error) {
            // A failed commit (a full disk, say) stops the job like a failed image does.
            failure ??= { error };
            return;
          }
          completedImages += countImages(batch);
          progress.update('embed', options.cachedImages + completedImages, options.totalImages);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  }

  await Promise.all(inFlight);
  try {
    buffer.flush();
  } catch (error) {
    failure ??= { error };
  }
  return { embeddedImages: buffer.committedImages, failure, cancelled: progress.signal.aborted };
}

class CommitBuffer {
  private rows: EmbeddingRow[] = [];
  private bufferedImages = 0;
  committedImages = 0;

  constructor(
    private readonly chunkSize: number,
    private readonly commit: (rows: EmbeddingRow[]) => void,
  ) {}

  add(batch: readonly PipelineItem[], features: Float32Array, dimension: number): void {
    batch.forEach((item, index) => {
      this.rows.push({ imageHash: item.imageHash, vector: features.subarray(index * dimension, (index + 1) * dimension) });
      this.bufferedImages += item.imageCount;
    });
    if (this.rows.length >= this.chunkSize) this.flush();
  }

  flush(): void {
    if (this.rows.length === 0) return;
    this.commit(this.rows);
    this.committedImages += this.bufferedImages;
    this.rows = [];
    this.bufferedImages = 0;
  }
}

function countImages(items: readonly PipelineItem[]): number {
  return items.reduce((sum, item) => sum + item.imageCount, 0);
}
