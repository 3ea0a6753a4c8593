import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ModelSummary } from '../api/schemas';
import type { Db } from '../db/workspace';
import { NotFoundError } from '../errors';
import { createLogger } from '../log';
import { loadEmbeddings } from '../ml/embedding';
import { insertEmbeddings, selectImages } from '../ml/embedding/embedding-store';
import { appendHead } from '../ml/models/compose-model';
import { getModel, registerModel, sha256Hex } from '../ml/models';
import type { MpreidArtifacts } from '../ml/mpreid/training-types';
import type { ExecutionProvider } from '../ml/runtime';
import { openImageHead, runImageHead } from '../ml/mpreid/image-head-session';
import { searchModelPathFor } from './run-folder';
import type { RunRecord } from './run-rows';

const log = createLogger('Training');

/**
 * Composes the frozen image model with the run's trained image head into one
 * image-to-embedding ONNX model, registers it as "<run name> (MP-ReID)", and
 * fills its embedding cache for the dataset's query and gallery by running
 * the head over the cached frozen features. Image search and evaluation can
 * then use the new model without embedding the images again.
 */
export async function registerSearchModel(db: Db, run: RunRecord, artifacts: MpreidArtifacts, provider: ExecutionProvider): Promise<ModelSummary> {
  const imageModel = getModel(db, run.imageModelId);
  const imageBytes = await readModelBytes(imageModel.filePath, `image model ${imageModel.modelId}`);
  const headBytes = await readModelBytes(artifacts.imageHeadPath, `image head of run ${run.runId}`);
  const head = await openImageHead(artifacts.imageHeadPath, provider);

  try {
    const composed = appendHead(imageBytes, imageModel.card.outputName, headBytes, head.inputName, { name: `mpreid-run-${run.runId}` });
    const filePath = searchModelPathFor(run.runDirectory, sha256Hex(composed));
    await mkdir(dirname(filePath), { recursive: true });
    await writeFile(filePath, composed);
    const model = await registerModel(db, { filePath, name: `${run.name} (MP-ReID)`, card: { ...imageModel.card, outputName: 'embedding' } });

    const cached = await cacheHeadEmbeddings(db, run, head, model.contentHash, imageModel.contentHash);
    log.info('registered search model', { runId: run.runId, modelId: model.modelId, cachedEmbeddings: cached });
    return model;
  } finally {
    await head.session.release();
  }
}

async function cacheHeadEmbeddings(db: Db, run: RunRecord, head: Awaited<ReturnType<typeof openImageHead>>, modelHash: string, frozenHash: string): Promise<number> {
  const images = selectImages(db, run.datasetId, ['query', 'gallery'], frozenHash).filter((image) => image.cached);
  if (images.length === 0) return 0;

  const frozen = loadEmbeddings(db, run.imageModelId, images.map((image) => image.imageId));
  const { width, values } = await runImageHead(head, frozen.features, frozen.dimension, 'embedding');
  const rows = images.map((image, index) => ({ imageHash: image.contentHash, vector: values.slice(index * width, (index + 1) * width) }));
  insertEmbeddings(db, modelHash, rows);
  return rows.length;
}

async function readModelBytes(filePath: string, label: string): Promise<Uint8Array> {
  try {
    return await readFile(filePath);
  } catch (error) {
    throw new NotFoundError(`Cannot read the ${label} at ${filePath}: ${(error as Error).message}. Check that the file was not moved.`, { cause: error });
  }
}
