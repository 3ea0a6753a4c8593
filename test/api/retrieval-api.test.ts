import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiInput, ApiMethodName, ApiOutput } from '../../main/api/contract';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';

const duke = resolve(import.meta.dirname, '../../../shared/data/DukeMTMC-reID');
const modelPath = resolve(import.meta.dirname, '../../../shared/data/models/osnet_x0_25_msmt17.onnx');

let dir: string;
let context: AppContext;
let call: <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M>>;
let datasetId: number;
let modelId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-api-'));
  const datasetDir = join(dir, 'duke-subset');
  mkdirSync(join(datasetDir, 'query'), { recursive: true });
  mkdirSync(join(datasetDir, 'bounding_box_test'));
  const queries = readdirSync(join(duke, 'query')).sort().slice(0, 12);
  const people = new Set(queries.map((name) => name.slice(0, 4)));
  const gallery = readdirSync(join(duke, 'bounding_box_test')).sort();
  for (const name of queries) symlinkSync(join(duke, 'query', name), join(datasetDir, 'query', name));
  for (const name of new Set([...gallery.filter((name) => people.has(name.slice(0, 4))), ...gallery.slice(0, 40)])) {
    symlinkSync(join(duke, 'bounding_box_test', name), join(datasetDir, 'bounding_box_test', name));
  }

  context = createAppContext(join(dir, 'api.mpreid'));
  const dispatch = createDispatcher(apiHandlers, context);
  call = (method, input) => dispatch(method, input) as never;
  datasetId = (await call('datasets.import', { datasetDir })).datasetId;
  const inspection = await call('models.inspect', { filePath: modelPath });
  modelId = (await call('models.register', { filePath: modelPath, card: inspection.proposedCard! })).modelId;
  await call('embeddings.run', { datasetId, modelId, executionProvider: 'cpu' });
});

afterAll(() => {
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
});

async function firstQuery() {
  const page = await call('identities.list', { datasetId, split: 'query', limit: 1 });
  const identity = await call('identities.get', { identityId: page.items[0].identityId });
  return identity.cameras.flatMap((camera) => camera.images).find((image) => image.split === 'query')!;
}

describe('search.run', () => {
  it('ranks the gallery for a dataset query', async () => {
    const query = await firstQuery();

    const search = await call('search.run', { datasetId, modelId, queryImageId: query.imageId, topK: 10 });

    expect(search.results).toHaveLength(10);
    expect(search.results.map((result) => result.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const distances = search.results.map((result) => result.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    for (const result of search.results) expect(result.match).toBe(result.personId === query.personId ? 'true' : 'false');
  });

  it('hides same identity on the same camera', async () => {
    const query = await firstQuery();

    const hidden = await call('search.run', { datasetId, modelId, queryImageId: query.imageId, topK: 500, hideSameCameraSameIdentity: true });
    const shown = await call('search.run', { datasetId, modelId, queryImageId: query.imageId, topK: 500, hideSameCameraSameIdentity: false });

    const sameCamera = (result: { personId: number; cameraId: number }) => result.personId === query.personId && result.cameraId === query.cameraId;
    expect(hidden.results.some(sameCamera)).toBe(false);
    expect(shown.results.filter(sameCamera).length).toBeGreaterThan(0);
    expect(shown.results.length - hidden.results.length).toBe(shown.results.filter(sameCamera).length);
  });

  it('searches with a dropped image file', async () => {
    const query = await firstQuery();
    const bytes = readFileSync(join(dir, 'duke-subset', query.path));
    const dataUrl = `data:image/jpeg;base64,${bytes.toString('base64')}`;

    const byFile = await call('search.run', { datasetId, modelId, imageDataUrl: dataUrl, topK: 5, hideSameCameraSameIdentity: false });
    const byId = await call('search.run', { datasetId, modelId, queryImageId: query.imageId, topK: 5, hideSameCameraSameIdentity: false });

    expect(byFile.query.personId).toBeNull();
    expect(byFile.results.every((result) => result.match === 'unknown')).toBe(true);
    expect(byFile.results.map((result) => result.imageId)).toEqual(byId.results.map((result) => result.imageId));
  });

  it('rejects both query kinds at once', async () => {
    await expect(call('search.run', { datasetId, modelId, queryImageId: 1, imageDataUrl: 'data:image/png;base64,AAAA' })).rejects.toThrow(/exactly one/);
  });

  it('rejects an unknown dataset', async () => {
    await expect(call('search.run', { datasetId: datasetId + 100, modelId, queryImageId: 1 })).rejects.toThrow(/does not exist/);
  });
});

describe('evaluation.run', () => {
  it('lists the worst queries first with ranked lists', async () => {
    const evaluation = await call('evaluation.run', { datasetId, modelId, worstQueries: 5 });

    expect(evaluation.queries).toBe(12);
    expect(evaluation.plain.cmc.length).toBeGreaterThanOrEqual(20);
    expect(evaluation.plain.rank1).toBe(evaluation.plain.cmc[0]);
    const aps = evaluation.worstQueries.map((query) => query.averagePrecision);
    expect(aps).toEqual([...aps].sort((a, b) => a - b));
    for (const query of evaluation.worstQueries) {
      const firstTrue = query.ranked.findIndex((image) => image.match === 'true') + 1;
      expect(firstTrue, `query ${query.queryImageId}`).toBe(query.firstTrueMatchRank);
    }
    expect(evaluation.reranked).toBeNull();
  });

  it('reports re-ranked figures apart', async () => {
    const evaluation = await call('evaluation.run', { datasetId, modelId, rerank: true, worstQueries: 5 });

    expect(evaluation.reranked).not.toBeNull();
    for (const query of evaluation.worstQueries) {
      const firstTrue = query.ranked.findIndex((image) => image.match === 'true') + 1;
      expect(firstTrue, `query ${query.queryImageId}`).toBe(query.firstTrueMatchRank);
    }
    expect(evaluation.reranked!.mAP).not.toBe(evaluation.plain.mAP);
  });

  it('names missing embeddings for another model', async () => {
    const other = await call('models.list', {});

    expect(other).toHaveLength(1);
    await expect(call('evaluation.run', { datasetId, modelId: modelId + 1 })).rejects.toThrow(/[Mm]odel/);
  });
});
