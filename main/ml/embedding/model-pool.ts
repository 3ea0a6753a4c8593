import { readFile } from 'node:fs/promises';
import type { ModelSummary } from '../../api/schemas';
import { AppError, ConflictError, NotFoundError } from '../../errors';
import { createLogger } from '../../log';
import { sha256Hex } from '../models';
import type { ExecutionProvider } from '../runtime';
import { defaultEmbeddingTuning, type EmbeddingTuning } from './tuning';
import { EmbeddingWorkerPool } from './worker-pool';

const log = createLogger('Embedding');

/**
 * Reads a registered model's file and checks that it still has the
 * registered hash, because cached embeddings are keyed by that hash.
 */
export async function readRegisteredModel(model: ModelSummary): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(model.filePath);
  } catch (error) {
    throw new NotFoundError(
      `Cannot read the file of model ${model.modelId} ("${model.name}") at ${model.filePath}: ${(error as Error).message}. Restore the file or register the model again.`,
      { cause: error },
    );
  }

  if (sha256Hex(bytes) !== model.contentHash) {
    throw new ConflictError(
      `The file of model ${model.modelId} ("${model.name}") at ${model.filePath} changed since it was registered. Register the new file as a new model.`,
    );
  }
  return bytes;
}

/**
 * Starts a worker pool for the model. When CUDA was picked automatically but
 * its session fails to load (missing CUDA or cuDNN libraries), it falls back
 * to the CPU instead of failing the job.
 */
export async function startPoolFor(
  model: ModelSummary,
  modelBytes: Uint8Array,
  provider: ExecutionProvider,
  tuningOverrides: Partial<EmbeddingTuning>,
  options: { allowCpuFallback: boolean },
): Promise<{ pool: EmbeddingWorkerPool; provider: ExecutionProvider }> {
  try {
    return { pool: await startPool(model, modelBytes, provider, tuningOverrides), provider };
  } catch (error) {
    const canFallBack = options.allowCpuFallback && provider === 'cuda' && error instanceof AppError && error.code === 'not_supported';
    if (!canFallBack) throw error;

    log.warn('CUDA session failed to load, so the job uses the CPU execution provider', { modelId: model.modelId, error });
    return { pool: await startPool(model, modelBytes, 'cpu', tuningOverrides), provider: 'cpu' };
  }
}

function startPool(model: ModelSummary, modelBytes: Uint8Array, provider: ExecutionProvider, tuningOverrides: Partial<EmbeddingTuning>): Promise<EmbeddingWorkerPool> {
  const tuning = { ...defaultEmbeddingTuning(provider), ...tuningOverrides };
  const setup = {
    modelBytes,
    modelLabel: model.filePath,
    card: model.card,
    provider,
    intraOpThreads: tuning.intraOpThreads,
    fixedBatch: model.fixedBatch,
    featureDimension: model.featureDimension,
  };
  return EmbeddingWorkerPool.start(setup, tuning.workers);
}
