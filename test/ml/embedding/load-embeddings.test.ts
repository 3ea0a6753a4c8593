import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../main/api/schemas';
import { DatasetFormatError, NotFoundError } from '../../../main/errors';
import { silentProgress } from '../../../main/jobs/progress';
import { closeWarmPool, embedDataset, embedImageBytes, loadEmbeddings } from '../../../main/ml/embedding';
import { registerModel } from '../../../main/ml/models';
import { batchProbeModel } from '../runtime/tiny-onnx';
import { dukeFileNames, dukeRoot, insertDukeImages, openTempWorkspace, osnetCard, osnetModelPath, type FixtureImage, type TempWorkspace } from './fixtures';

let workspace: TempWorkspace;
let model: ModelSummary;
let embedded: FixtureImage[];
let notEmbedded: FixtureImage[];

beforeAll(async () => {
  workspace = openTempWorkspace('mpreid-load-');
  model = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });
  const query = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 6) });
  const gallery = await insertDukeImages(workspace.db, { gallery: dukeFileNames('gallery', 3) });
  await embedDataset(workspace.db, { datasetId: query.datasetId, modelId: model.modelId }, silentProgress());
  embedded = query.images;
  notEmbedded = gallery.images;
});
afterAll(async () => {
  await closeWarmPool();
  workspace.dispose();
});

function row(features: Float32Array, index: number): Float32Array {
  return features.subarray(index * 512, (index + 1) * 512);
}

describe('loadEmbeddings', () => {
  it('returns rows in the order asked', () => {
    const forward = loadEmbeddings(workspace.db, model.modelId, embedded.map((image) => image.imageId));
    const reversed = loadEmbeddings(workspace.db, model.modelId, embedded.map((image) => image.imageId).reverse());

    expect(forward.dimension).toBe(512);
    expect(forward.features).toHaveLength(6 * 512);
    for (let index = 0; index < 6; index++) expect(row(reversed.features, 5 - index)).toEqual(row(forward.features, index));
    expect(row(forward.features, 0)).not.toEqual(row(forward.features, 1));
  });

  it('returns an empty matrix for no ids', () => {
    expect(loadEmbeddings(workspace.db, model.modelId, [])).toEqual({ dimension: 512, features: new Float32Array(0) });
  });

  it('missing embeddings name the count', () => {
    const ids = [...embedded, ...notEmbedded].map((image) => image.imageId);

    const attempt = () => loadEmbeddings(workspace.db, model.modelId, ids);

    expect(attempt).toThrow(NotFoundError);
    expect(attempt).toThrow(/^3 of 9 images have no embedding/);
    expect(attempt).toThrow(/Run embeddings first/);
  });

  it('unknown image ids count as missing', () => {
    expect(() => loadEmbeddings(workspace.db, model.modelId, [123456])).toThrow(/1 of 1 images/);
  });
});

describe('embedImageBytes', () => {
  it('matches the dataset embedding of the same file', async () => {
    const image = embedded[2];
    const bytes = readFileSync(join(dukeRoot, image.path));

    const feature = await embedImageBytes(workspace.db, model.modelId, bytes, 'cpu');

    const stored = loadEmbeddings(workspace.db, model.modelId, [image.imageId]).features;
    expect(feature).toHaveLength(512);
    const maxDifference = feature.reduce((max, value, index) => Math.max(max, Math.abs(value - stored[index])), 0);
    expect(maxDifference).toBeLessThan(1e-5);
  });

  it('reuses the warm worker', async () => {
    const bytes = readFileSync(join(dukeRoot, embedded[0].path));

    const first = await embedImageBytes(workspace.db, model.modelId, bytes);
    const second = await embedImageBytes(workspace.db, model.modelId, bytes);

    expect(second).toEqual(first);
  });

  it('serves two models at once', async () => {
    const probePath = join(workspace.directory, 'batch-probe.onnx');
    writeFileSync(probePath, batchProbeModel(16, 8));
    const probe = await registerModel(workspace.db, { filePath: probePath, card: { ...osnetCard, outputName: 'features', height: 16, width: 8 } });
    const bytes = readFileSync(join(dukeRoot, embedded[1].path));

    const [osnetFeature, probeFeature] = await Promise.all([
      embedImageBytes(workspace.db, model.modelId, bytes),
      embedImageBytes(workspace.db, probe.modelId, bytes),
    ]);
    const osnetAgain = await embedImageBytes(workspace.db, model.modelId, bytes);

    expect(osnetFeature).toHaveLength(512);
    expect(probeFeature).toHaveLength(4);
    expect(probeFeature[3]).toBe(1);
    expect(osnetAgain).toEqual(osnetFeature);
  });

  it('undecodable bytes are a format error', async () => {
    const attempt = embedImageBytes(workspace.db, model.modelId, new TextEncoder().encode('not an image'));

    await expect(attempt).rejects.toThrow(DatasetFormatError);
    await expect(attempt).rejects.toThrow(/Cannot decode the image of 12 bytes/);
  });
});
