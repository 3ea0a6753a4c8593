import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ApiInput, ApiMethodName, ApiOutput } from '../../main/api/contract';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { createAppContext, type AppContext } from '../../main/app-context';

export const dataRoot = resolve(import.meta.dirname, '../../../shared/data');
export const dukeRoot = join(dataRoot, 'DukeMTMC-reID');
export const osnetPath = join(dataRoot, 'models/osnet_x0_25_msmt17.onnx');
export const vocabularyPath = join(dataRoot, 'clip/bpe_simple_vocab_16e6.txt.gz');

export type Call = <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M>>;

export interface TrainingWorkspace {
  dir: string;
  context: AppContext;
  call: Call;
  datasetId: number;
  modelId: number;
}

/**
 * Links a small DukeMTMC-reID subset into `dir`: `identities` training
 * identities with up to `imagesPerIdentity` images each, the first `queries`
 * query images, and the gallery images of those people plus 20 others.
 */
export function linkDukeSubset(dir: string, options: { identities: number; imagesPerIdentity: number; queries: number }): string {
  const datasetDir = join(dir, 'duke-subset');
  for (const split of ['query', 'bounding_box_test', 'bounding_box_train']) mkdirSync(join(datasetDir, split), { recursive: true });
  const link = (split: string, name: string) => symlinkSync(join(dukeRoot, split, name), join(datasetDir, split, name));

  const trainNames = readdirSync(join(dukeRoot, 'bounding_box_train')).filter((name) => name.endsWith('.jpg')).sort();
  const trainPeople = [...new Set(trainNames.map((name) => name.slice(0, 4)))].slice(0, options.identities);
  for (const person of trainPeople) {
    for (const name of trainNames.filter((candidate) => candidate.startsWith(person)).slice(0, options.imagesPerIdentity)) link('bounding_box_train', name);
  }

  const queries = readdirSync(join(dukeRoot, 'query')).filter((name) => name.endsWith('.jpg')).sort().slice(0, options.queries);
  for (const name of queries) link('query', name);
  const queryPeople = new Set(queries.map((name) => name.slice(0, 4)));
  const gallery = readdirSync(join(dukeRoot, 'bounding_box_test')).filter((name) => name.endsWith('.jpg')).sort();
  for (const name of new Set([...gallery.filter((name) => queryPeople.has(name.slice(0, 4))), ...gallery.slice(0, 20)])) link('bounding_box_test', name);
  return datasetDir;
}

/** Opens a workspace in a new temporary folder with the subset imported and OSNet registered, embedding the given splits. */
export async function openTrainingWorkspace(splits: ('train' | 'query' | 'gallery')[], subset = { identities: 6, imagesPerIdentity: 6, queries: 8 }): Promise<TrainingWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'mpreid-training-'));
  const context = createAppContext(join(dir, 'training.mpreid'));
  const dispatch = createDispatcher(apiHandlers, context);
  const call: Call = (method, input) => dispatch(method, input) as never;

  const datasetId = (await call('datasets.import', { datasetDir: linkDukeSubset(dir, subset) })).datasetId;
  const inspection = await call('models.inspect', { filePath: osnetPath });
  const modelId = (await call('models.register', { filePath: osnetPath, card: inspection.proposedCard! })).modelId;
  if (splits.length > 0) await call('embeddings.run', { datasetId, modelId, splits, executionProvider: 'cpu' });
  return { dir, context, call, datasetId, modelId };
}
