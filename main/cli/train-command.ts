import { resolve } from 'node:path';
import type { ModelSummary } from '../api/schemas';
import { deserializeError, ValidationError, type SerializedError } from '../errors';
import { presetNames, type PresetName } from '../ml/mpreid/training-types';
import { waitForRun } from '../training';
import type { Command, Options } from './commands';
import { openCliSession, type CliSession } from './session';

export const trainCommand: Command = {
  summary: 'Train an MP-ReID run on cached features in the foreground and print its figures.',
  usage: [
    'mpreid train --workspace FILE --dataset NAME|ID --preset NAME [--model NAME|ID] [--epochs N] [--vocab FILE] [--name NAME] [--json]',
    '',
    `Presets: ${presetNames.join(', ')}.`,
    'The dataset needs cached embeddings of the model for its train, query and gallery images.',
    'Without --vocab, the vocabulary path comes from the MPREID_CLIP_VOCAB environment variable.',
    'Ctrl+C cancels the run; resume it with: mpreid call training.resume --input \'{"runId":ID}\'.',
  ].join('\n'),
  options: {
    workspace: { type: 'string', help: 'workspace file (.mpreid) holding the dataset' },
    dataset: { type: 'string', help: 'dataset name or id' },
    preset: { type: 'string', help: `ablation preset: ${presetNames.join(', ')}` },
    model: { type: 'string', help: 'frozen image model name or id (default: the only model with embeddings for the dataset)' },
    epochs: { type: 'string', help: 'stage-2 epochs, overriding the preset' },
    vocab: { type: 'string', help: "CLIP's bpe_simple_vocab_16e6.txt.gz, or a folder with Hugging Face vocab.json and merges.txt" },
    name: { type: 'string', help: 'run name (default: the preset and start time)' },
    json: { type: 'boolean', help: 'print the result as one JSON object on stdout' },
  },
  run: (options) => runTrain(options),
};

async function runTrain(options: Options): Promise<unknown> {
  const workspace = requiredOption(options, 'workspace');
  const datasetKey = requiredOption(options, 'dataset');
  const preset = parsePreset(requiredOption(options, 'preset'));
  const epochs = options.epochs === undefined ? undefined : parseEpochs(String(options.epochs));

  const session = openCliSession(workspace);
  try {
    const datasetId = await findDataset(session, datasetKey);
    const model = await chooseModel(session, datasetId, options.model as string | undefined);
    const started = await session.call('training.start', {
      datasetId,
      imageModelId: model.modelId,
      preset,
      name: options.name as string | undefined,
      overrides: epochs === undefined ? undefined : { stage2Epochs: epochs },
      vocabularyPath: options.vocab ? resolve(String(options.vocab)) : undefined,
    });

    await waitForRun(session.context, started.runId);
    const run = await session.call('training.get', { runId: started.runId });
    if (run.status !== 'succeeded') {
      const stored = (run.error ?? { code: 'internal', message: `Training run ${run.runId} ended with status ${run.status}.` }) as SerializedError;
      const error = deserializeError(stored);
      error.message += ` Run ${run.runId} can be resumed with: mpreid call training.resume --workspace ${workspace} --input '{"runId":${run.runId}}'.`;
      throw error;
    }
    return {
      runId: run.runId,
      name: run.name,
      preset: run.preset,
      imageModelId: run.imageModelId,
      figures: withoutCurve(run.figures),
      baseline: withoutCurve(run.baseline),
      features: run.features,
      oracle: run.oracle,
      epochs: run.epochsDone,
      searchModelId: run.searchModelId,
    };
  } finally {
    session.close();
  }
}

/** Leaves out the CMC curve, which would fill the terminal; training.get returns it. */
function withoutCurve<T extends { cmc: number[] }>(figures: T | null): Omit<T, 'cmc'> | null {
  if (figures === null) return null;
  const { cmc: _cmc, ...rest } = figures;
  return rest;
}

async function findDataset(session: CliSession, key: string): Promise<number> {
  const datasets = await session.call('datasets.list', {});
  const match = datasets.find((dataset) => dataset.name === key) ?? datasets.find((dataset) => String(dataset.datasetId) === key);
  if (!match) {
    const names = datasets.map((dataset) => `${dataset.datasetId} "${dataset.name}"`).join(', ') || 'none';
    throw new ValidationError(`The workspace has no dataset named or numbered "${key}"; it has ${names}.`);
  }
  return match.datasetId;
}

/** Picks the named model, or the only one with cached embeddings for the dataset. */
async function chooseModel(session: CliSession, datasetId: number, key: string | undefined): Promise<ModelSummary> {
  const models = await session.call('models.list', {});
  const describe = (list: ModelSummary[]) => list.map((model) => `${model.modelId} "${model.name}"`).join(', ') || 'none';

  if (key !== undefined) {
    const byName = models.filter((model) => model.name === key);
    if (byName.length > 1) throw new ValidationError(`${byName.length} models are named "${key}" (${describe(byName)}); pass --model with an id.`);
    const match = byName[0] ?? models.find((model) => String(model.modelId) === key);
    if (!match) throw new ValidationError(`The workspace has no model named or numbered "${key}"; it has ${describe(models)}.`);
    return match;
  }

  const embedded = models.filter((model) => hasEmbeddings(session, datasetId, model.contentHash));
  if (embedded.length === 1) return embedded[0];
  if (embedded.length === 0) {
    throw new ValidationError(`No model has cached embeddings for dataset ${datasetId}. Embed its train, query and gallery images first, such as with "mpreid call embeddings.run".`);
  }
  throw new ValidationError(`${embedded.length} models have embeddings for dataset ${datasetId}: ${describe(embedded)}. Pick one with --model.`);
}

function hasEmbeddings(session: CliSession, datasetId: number, modelHash: string): boolean {
  const row = session.context.db
    .prepare('SELECT 1 FROM images JOIN embeddings ON embeddings.model_hash = ? AND embeddings.image_hash = images.content_hash WHERE images.dataset_id = ? LIMIT 1')
    .get(modelHash, datasetId);
  return row !== undefined;
}

function parsePreset(value: string): PresetName {
  if ((presetNames as readonly string[]).includes(value)) return value as PresetName;
  throw new ValidationError(`--preset ${value} is not valid; use one of ${presetNames.join(', ')}.`);
}

function parseEpochs(value: string): number {
  const epochs = Number(value);
  if (!/^\d+$/.test(value) || epochs < 1 || epochs > 500) throw new ValidationError(`--epochs ${value} is not valid; use a whole number from 1 to 500.`);
  return epochs;
}

function requiredOption(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new ValidationError(`Missing --${name}. Run with --help for usage.`);
  return value;
}
