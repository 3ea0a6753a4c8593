import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCard, ModelSummary } from '../../../main/api/schemas';
import { silentProgress } from '../../../main/jobs/progress';
import { embedDataset, loadEmbeddings } from '../../../main/ml/embedding';
import { registerModel } from '../../../main/ml/models';
import { batchProbeModel } from '../runtime/tiny-onnx';
import { referenceInput } from './reference-preprocess';
import { dukeFileNames, dukeRoot, insertDukeImages, openTempWorkspace, type FixtureImage, type TempWorkspace } from './fixtures';

/** A card with distinct statistics per channel and BGR order, so that a swapped channel or statistic shows. */
const probeCard: ModelCard = {
  inputName: 'images',
  outputName: 'features',
  layout: 'NCHW',
  height: 16,
  width: 8,
  mean: [0.1, 0.2, 0.3],
  std: [0.5, 0.25, 0.125],
  channelOrder: 'BGR',
  distance: 'euclidean',
};

let workspace: TempWorkspace;
let model: ModelSummary;
let datasetId: number;
let images: FixtureImage[];

beforeAll(async () => {
  workspace = openTempWorkspace('mpreid-batching-');
  const modelPath = join(workspace.directory, 'batch-probe.onnx');
  writeFileSync(modelPath, batchProbeModel(16, 8));
  model = await registerModel(workspace.db, { filePath: modelPath, card: probeCard });
  ({ datasetId, images } = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 10) }));
});
afterAll(() => workspace.dispose());

/** Per-channel means of the reference input, in the card's (BGR) order. */
async function expectedChannelMeans(path: string): Promise<number[]> {
  const input = await referenceInput(path, probeCard);
  const planeSize = probeCard.height * probeCard.width;
  return [0, 1, 2].map((channel) => input.subarray(channel * planeSize, (channel + 1) * planeSize).reduce((sum, value) => sum + value, 0) / planeSize);
}

describe('embedDataset with a symbolic batch', () => {
  it('registers the model without a fixed batch', () => {
    expect(model.fixedBatch).toBeNull();
    expect(model.featureDimension).toBe(4);
  });

  it('runs requests as batches', async () => {
    const report = await embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), { workers: 1, imagesPerRequest: 4 });
    const { features } = loadEmbeddings(workspace.db, model.modelId, images.map((image) => image.imageId));

    expect(report.embedded).toBe(10);
    const batchSizes = images.map((_image, index) => features[index * 4 + 3]);
    expect(batchSizes).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
  });

  it('normalises with the card in BGR order', async () => {
    const { features } = loadEmbeddings(workspace.db, model.modelId, images.map((image) => image.imageId));

    for (const [index, image] of images.entries()) {
      const expected = await expectedChannelMeans(join(dukeRoot, image.path));
      for (let channel = 0; channel < 3; channel++) expect(features[index * 4 + channel]).toBeCloseTo(expected[channel], 4);
    }
  });
});
