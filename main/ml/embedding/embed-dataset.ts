import { isAbsolute, join } from 'node:path';
import type { EmbeddingReport, ExecutionProviderChoice, ModelSummary, Split } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { CancelledError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import { getModel } from '../models';
import { resolveExecutionProvider, type ExecutionProvider } from '../runtime';
import { datasetRootDir, insertEmbeddings, selectImages, type SelectedImage } from './embedding-store';
import { runEmbeddingPipeline, type PipelineItem, type PipelineOutcome } from './embedding-pipeline';
import { describeRequestFailure } from './failure';
import { readRegisteredModel, startPoolFor } from './model-pool';
import { defaultEmbeddingTuning, type EmbeddingTuning } from './tuning';

const log = createLogger('Embedding');

const allSplits: readonly Split[] = ['train', 'query', 'gallery'];

export interface EmbedDatasetRequest {
  datasetId: number;
  modelId: number;
  /** Splits to embed, all three when unset. */
  splits?: Split[];
  executionProvider?: ExecutionProviderChoice;
}

/**
 * Embeds the images of a dataset that have no cached embedding for the
 * model. Embeddings are keyed by (model hash, image hash) and committed in
 * chunks, so a cancelled, failed or crashed job resumes from what it committed.
 */
export async function embedDataset(
  db: Db,
  request: EmbedDatasetRequest,
  progress: ProgressReporter,
  tuning: Partial<EmbeddingTuning> = {},
): Promise<EmbeddingReport> {
  const started = performance.now();
  const model = getModel(db, request.modelId);
  const rootDir = datasetRootDir(db, request.datasetId);
  const images = selectImages(db, request.datasetId, request.splits ?? allSplits, model.contentHash);
  const choice = request.executionProvider ?? 'auto';
  const { provider, note } = resolveExecutionProvider(choice);
  if (note) log.info(note, { modelId: model.modelId });

  const items = pendingItems(images, rootDir);
  const cachedImages = images.filter((image) => image.cached).length;
  log.info('embedding started', { datasetId: request.datasetId, modelId: model.modelId, images: images.length, cachedImages, distinctToEmbed: items.length });

  let outcome: PipelineOutcome = { embeddedImages: 0, failure: null, cancelled: false };
  let usedProvider: ExecutionProvider = provider;
  if (items.length > 0) {
    progress.throwIfCancelled();
    const counts = { cachedImages, totalImages: images.length };
    ({ outcome, provider: usedProvider } = await embedItems({ db, model, items, provider, allowCpuFallback: choice === 'auto', progress, counts, tuning }));
  } else {
    progress.update('embed', images.length, images.length);
  }

  const seconds = (performance.now() - started) / 1000;
  finishOrThrow(outcome, model, seconds);
  return {
    modelId: model.modelId,
    executionProvider: usedProvider,
    requested: images.length,
    embedded: outcome.embeddedImages,
    cached: cachedImages,
    seconds,
    imagesPerSecond: seconds > 0 ? outcome.embeddedImages / seconds : 0,
  };
}

interface EmbedItemsOptions {
  db: Db;
  model: ModelSummary;
  items: PipelineItem[];
  provider: ExecutionProvider;
  allowCpuFallback: boolean;
  progress: ProgressReporter;
  counts: { cachedImages: number; totalImages: number };
  tuning: Partial<EmbeddingTuning>;
}

async function embedItems(options: EmbedItemsOptions): Promise<{ outcome: PipelineOutcome; provider: ExecutionProvider }> {
  const { db, model, items, progress, counts, allowCpuFallback } = options;
  const modelBytes = await readRegisteredModel(model);
  const { pool, provider } = await startPoolFor(model, modelBytes, options.provider, options.tuning, { allowCpuFallback });
  const tuning = { ...defaultEmbeddingTuning(provider), ...options.tuning };

  try {
    const outcome = await runEmbeddingPipeline({
      pool,
      items,
      featureDimension: model.featureDimension,
      imagesPerRequest: tuning.imagesPerRequest,
      requestsPerWorker: tuning.requestsPerWorker,
      chunkSize: tuning.chunkSize,
      commit: (rows) => insertEmbeddings(db, model.contentHash, rows),
      progress,
      ...counts,
    });
    return { outcome, provider };
  } finally {
    await pool.close();
  }
}

/** Groups the images without an embedding by content, so that duplicate files are embedded once. */
function pendingItems(images: readonly SelectedImage[], rootDir: string): PipelineItem[] {
  const byHash = new Map<string, PipelineItem>();
  for (const image of images) {
    if (image.cached) continue;
    const item = byHash.get(image.contentHash);
    if (item) item.imageCount += 1;
    else byHash.set(image.contentHash, { imageHash: image.contentHash, source: resolveImagePath(rootDir, image.path), imageCount: 1 });
  }
  return [...byHash.values()];
}

function resolveImagePath(rootDir: string, path: string): string {
  return isAbsolute(path) ? path : join(rootDir, path);
}

function finishOrThrow(outcome: PipelineOutcome, model: ModelSummary, seconds: number): void {
  const fields = { modelId: model.modelId, embeddedImages: outcome.embeddedImages, seconds };
  if (outcome.failure) {
    const error = describeRequestFailure(outcome.failure.error, outcome.embeddedImages);
    log.error('embedding failed', { ...fields, error });
    throw error;
  }
  if (outcome.cancelled) {
    log.info('embedding cancelled', fields);
    throw new CancelledError(`The embedding job was cancelled. The embeddings of ${outcome.embeddedImages} images are saved, so a new run continues from there.`);
  }
  log.info('embedding finished', fields);
}
