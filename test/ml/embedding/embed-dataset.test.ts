import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddingReportSchema, type ModelSummary } from '../../../main/api/schemas';
import { NotFoundError, NotSupportedError } from '../../../main/errors';
import { silentProgress } from '../../../main/jobs/progress';
import { embedDataset, loadEmbeddings } from '../../../main/ml/embedding';
import { registerModel } from '../../../main/ml/models';
import { availableExecutionProviders } from '../../../main/ml/runtime';
import { referenceInput } from './reference-preprocess';
import { dukeFileNames, dukeRoot, insertDukeImages, openTempWorkspace, osnetCard, osnetModelPath, type FixtureImage, type TempWorkspace } from './fixtures';

let workspace: TempWorkspace;
let model: ModelSummary;
let datasetId: number;
let images: FixtureImage[];

beforeAll(async () => {
  workspace = openTempWorkspace();
  model = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });
  ({ datasetId, images } = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 12), gallery: dukeFileNames('gallery', 12) }));
});
afterAll(() => workspace.dispose());

/** OSNet run directly: the reference preprocessing, one single-threaded session, original weights. */
async function referenceFeatures(paths: string[]): Promise<Float32Array[]> {
  const session = await InferenceSession.create(osnetModelPath, { intraOpNumThreads: 1 });
  const features: Float32Array[] = [];

  for (const path of paths) {
    const input = await referenceInput(path, osnetCard);
    const result = await session.run({ images: new Tensor('float32', input, [1, 3, 256, 128]) });
    features.push(result.output.data as Float32Array);
  }
  await session.release();
  return features;
}

function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += (a[index] - b[index]) ** 2;
  return Math.sqrt(sum);
}

describe('embedDataset', () => {
  it('embeds every image of the selection', async () => {
    const report = await embedDataset(workspace.db, { datasetId, modelId: model.modelId, executionProvider: 'cpu' }, silentProgress(), { workers: 2, imagesPerRequest: 5 });

    expect(embeddingReportSchema.parse(report)).toEqual(report);
    expect(report.executionProvider).toBe('cpu');
    expect(report.requested).toBe(24);
    expect(report.embedded).toBe(24);
    expect(report.cached).toBe(0);
    expect(report.imagesPerSecond).toBeGreaterThan(0);
  });

  it('matches a direct reference run within 1e-4', async () => {
    const reference = await referenceFeatures(images.map((image) => join(dukeRoot, image.path)));

    const { dimension, features } = loadEmbeddings(workspace.db, model.modelId, images.map((image) => image.imageId));

    expect(dimension).toBe(512);
    const distances = reference.map((expected, index) => euclidean(features.subarray(index * 512, (index + 1) * 512), expected));
    expect(Math.max(...distances)).toBeLessThan(1e-4);
    // Distinct images must give distinct features, or the comparison above proves little.
    expect(euclidean(reference[0], reference[1])).toBeGreaterThan(0.1);
  });

  it('second run embeds nothing', async () => {
    const report = await embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress());

    expect(report.requested).toBe(24);
    expect(report.embedded).toBe(0);
    expect(report.cached).toBe(24);
  });

  it('restricts the selection to splits', async () => {
    const report = await embedDataset(workspace.db, { datasetId, modelId: model.modelId, splits: ['query'] }, silentProgress());

    expect(report.requested).toBe(12);
    expect(report.cached).toBe(12);
  });

  it('embeds duplicate files once', async () => {
    const names = dukeFileNames('query', 14).slice(12);
    const rootDir = join(workspace.directory, 'duplicates');
    for (const folder of ['query', 'bounding_box_test']) {
      mkdirSync(join(rootDir, folder), { recursive: true });
      for (const name of names) copyFileSync(join(dukeRoot, 'query', name), join(rootDir, folder, name));
    }
    const { datasetId: duplicates } = await insertDukeImages(workspace.db, { query: names, gallery: names }, { rootDir });
    const rowsBefore = countEmbeddings();

    const report = await embedDataset(workspace.db, { datasetId: duplicates, modelId: model.modelId }, silentProgress());

    expect(report.requested).toBe(4);
    expect(report.embedded).toBe(4);
    expect(countEmbeddings() - rowsBefore).toBe(2);
  });

  it('rejects a file changed since import', async () => {
    const names = dukeFileNames('query', 16).slice(14);
    const rootDir = join(workspace.directory, 'changed');
    mkdirSync(join(rootDir, 'query'), { recursive: true });
    for (const name of names) copyFileSync(join(dukeRoot, 'query', name), join(rootDir, 'query', name));
    const { datasetId: changed } = await insertDukeImages(workspace.db, { query: names }, { rootDir });
    copyFileSync(join(dukeRoot, 'query', names[0]), join(rootDir, 'query', names[1]));

    const attempt = embedDataset(workspace.db, { datasetId: changed, modelId: model.modelId }, silentProgress());

    await expect(attempt).rejects.toThrow(new RegExp(`${names[1]} changed since it was imported.*Import the dataset again`));
  });

  it.skipIf(availableExecutionProviders().includes('cuda'))('cuda request fails clearly', async () => {
    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId, executionProvider: 'cuda' }, silentProgress());

    await expect(attempt).rejects.toThrow(NotSupportedError);
    await expect(attempt).rejects.toThrow(/CUDA execution provider is not available.*npm run install:cuda/);
  });

  it('unknown dataset is not found', async () => {
    await expect(embedDataset(workspace.db, { datasetId: 999, modelId: model.modelId }, silentProgress())).rejects.toThrow(NotFoundError);
  });

  it('unknown model is not found', async () => {
    await expect(embedDataset(workspace.db, { datasetId, modelId: 999 }, silentProgress())).rejects.toThrow(NotFoundError);
  });
});

function countEmbeddings(): number {
  return (workspace.db.prepare('SELECT COUNT(*) AS count FROM embeddings WHERE model_hash = ?').get(model.contentHash) as { count: number }).count;
}
