import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { getTrainingRun, mpreidTrainer, resumeTrainingRun, startTrainingRun, waitForRun, type MpreidTrainer, type TrainingRunDetail } from '../../main/training';
import { dataRoot, linkDukeSubset, osnetPath, vocabularyPath, type Call } from './fixtures';

/** A configuration small enough to train in seconds on two cores: a few steps of a narrow one-layer text encoder. */
const tinyOverrides = {
  stage1Epochs: 1,
  stage2Epochs: 3,
  stepsPerEpoch: 2,
  identitiesPerBatch: 4,
  imagesPerIdentity: 2,
  jointWidth: 32,
  textEncoder: { source: 'scratch' as const, width: 32, layers: 1, heads: 2, contextLength: 24 },
  executionProvider: 'cpu' as const,
};

let dir: string;
let context: AppContext;
let call: Call;
let datasetId: number;
let modelId: number;
let completed: TrainingRunDetail;
let resumedRunId: number;

function request(name: string) {
  return { datasetId, imageModelId: modelId, preset: 'attribute-words' as const, name, vocabularyPath, overrides: tinyOverrides };
}

/** Wraps the real trainer so that its job is cancelled once the first stage-2 epoch is stored. */
function cancellingTrainer(jobIdOf: () => number | null): MpreidTrainer {
  return {
    ...mpreidTrainer,
    train: (data, config, options) =>
      mpreidTrainer.train(data, config, {
        ...options,
        hooks: {
          onStep: options.hooks?.onStep,
          onEpoch: (record) => {
            options.hooks?.onEpoch?.(record);
            if (record.stage === 'stage2' && record.epoch === 1) context.jobs.cancel(jobIdOf()!);
          },
        },
      }),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-training-e2e-'));
  context = createAppContext(join(dir, 'e2e.mpreid'));
  const dispatch = createDispatcher(apiHandlers, context);
  call = (method, input) => dispatch(method, input) as never;

  const datasetDir = linkDukeSubset(dir, { identities: 8, imagesPerIdentity: 4, queries: 8 });
  datasetId = (await call('datasets.import', { datasetDir, attributesFile: join(dataRoot, 'attributes/duke_attribute.mat') })).datasetId;
  const inspection = await call('models.inspect', { filePath: osnetPath });
  modelId = (await call('models.register', { filePath: osnetPath, card: inspection.proposedCard! })).modelId;
  await call('embeddings.run', { datasetId, modelId, executionProvider: 'cpu' });

  const started = await call('training.start', request('complete'));
  await waitForRun(context, started.runId);
  completed = await call('training.get', { runId: started.runId });
}, 120_000);

afterAll(() => {
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
});

describe('training end to end', () => {
  it('stores a succeeded run', () => {
    expect(completed.error).toBeNull();
    expect(completed.status).toBe('succeeded');
    expect(completed.epochsDone).toBe(4);
    expect(completed.epochsTotal).toBe(4);
    expect(completed.steps).toHaveLength(8);
    expect(completed.figures?.mAP).toBeGreaterThan(0);
    expect(completed.baseline?.mAP).toBeGreaterThan(0);
    expect(completed.oracle).toBe(false);
    expect(completed.promptRevisions).toEqual({});
    expect(completed.finishedAt).not.toBeNull();
  });

  it('registers a searchable model', async () => {
    const models = await call('models.list', {});
    const searchModel = models.find((model) => model.modelId === completed.searchModelId);
    const query = (await call('identities.list', { datasetId, split: 'query', limit: 1 })).items[0];
    const queryImage = (await call('identities.get', { identityId: query.identityId })).cameras.flatMap((camera) => camera.images).find((image) => image.split === 'query')!;

    const search = await call('search.run', { datasetId, modelId: searchModel!.modelId, queryImageId: queryImage.imageId, topK: 5 });

    expect(searchModel?.name).toBe('complete (MP-ReID)');
    expect(existsSync(searchModel!.filePath)).toBe(true);
    expect(search.results).toHaveLength(5);
    expect(search.results[0].distance).toBeLessThanOrEqual(search.results[4].distance);
  });

  it('resumes a cancelled run to the same result', async () => {
    let jobId: number | null = null;
    const started = await startTrainingRun(context, cancellingTrainer(() => jobId), request('interrupted'));
    jobId = started.jobId;

    expect(await waitForRun(context, started.runId)).toBe('cancelled');
    const cancelled = getTrainingRun(context.db, started.runId);
    expect(cancelled.epochsDone).toBeLessThan(4);
    expect(cancelled.searchModelId).toBeNull();

    await resumeTrainingRun(context, mpreidTrainer, started.runId);
    expect(await waitForRun(context, started.runId)).toBe('succeeded');
    const resumed = getTrainingRun(context.db, started.runId);
    expect(resumed.figures).toEqual(completed.figures);
    expect(resumed.epochs.map((epoch) => epoch.losses)).toEqual(completed.epochs.map((epoch) => epoch.losses));
    resumedRunId = started.runId;
  });

  it('deletes a run but keeps its search model', async () => {
    const run = await call('training.get', { runId: resumedRunId });
    const searchModel = (await call('models.list', {})).find((model) => model.modelId === run.searchModelId)!;

    await call('training.delete', { runId: resumedRunId });

    expect(existsSync(join(`${context.workspacePath}.runs`, String(resumedRunId)))).toBe(false);
    expect(existsSync(searchModel.filePath)).toBe(true);
    await expect(call('training.get', { runId: resumedRunId })).rejects.toThrow(/does not exist/);
  });
});

describe('text search end to end', () => {
  it('ranks the gallery for a description', async () => {
    const gallery = await call('identities.list', { datasetId, split: 'gallery', limit: 500 });
    const galleryImages = gallery.items.reduce((sum, identity) => sum + identity.imageCount, 0);

    const found = await call('search.text', { runId: completed.runId, text: 'a man in a black coat and dark trousers', topK: 10 });

    expect(found.results).toHaveLength(10);
    expect(found.gallerySize).toBeGreaterThanOrEqual(10);
    expect(found.tokens).toBeGreaterThan(2);
    expect(found.results.map((result) => result.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const distances = found.results.map((result) => result.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((distance) => distance >= 0 && distance <= 2)).toBe(true);
    expect(found.results.every((result) => result.match === 'unknown' && result.split === 'gallery')).toBe(true);
    expect(galleryImages).toBeGreaterThanOrEqual(found.gallerySize);
  });

  it('ranks differently for other texts', async () => {
    const dark = await call('search.text', { runId: completed.runId, text: 'black coat', topK: 500 });
    const bright = await call('search.text', { runId: completed.runId, text: 'a woman with a pink bag and a white skirt', topK: 500 });

    expect(dark.results.map((result) => result.distance)).not.toEqual(bright.results.map((result) => result.distance));
  });

  it('refuses a text longer than the context', async () => {
    await expect(call('search.text', { runId: completed.runId, text: 'a man in a black coat '.repeat(20), topK: 3 })).rejects.toThrow(/122 tokens.*at most 24/);
  });

  it('reads a text up to the configured context', async () => {
    const found = await call('search.text', { runId: completed.runId, text: 'a man in a black coat '.repeat(3), topK: 3 });

    expect(found.tokens).toBe(20);
  });

  it('rejects a run that did not succeed', async () => {
    let jobId: number | null = null;
    const started = await startTrainingRun(context, cancellingTrainer(() => jobId), request('cancelled'));
    jobId = started.jobId;
    await waitForRun(context, started.runId);

    await expect(call('search.text', { runId: started.runId, text: 'a man', topK: 5 })).rejects.toThrow(/status cancelled.*succeeded/);
  });
});

describe('attribute heads end to end', () => {
  it('trains heads as a job', async () => {
    const result = await call('attributes.heads.train', { datasetId, imageModelId: modelId, epochs: 2, seed: 1 });

    expect(existsSync(result.modelPath)).toBe(true);
    expect(result.modelPath.startsWith(`${context.workspacePath}.attribute-heads`)).toBe(true);
    expect(result.accuracy.length).toBeGreaterThan(0);
    expect(result.questionKeys.length).toBeGreaterThan(0);
    const jobs = await call('jobs.list', { limit: 1 });
    expect(jobs[0]).toMatchObject({ kind: 'attribute-heads', status: 'succeeded' });
  });
});
