import { resolve } from 'node:path';
import { ValidationError } from '../errors';
import { presetNames } from '../ml/mpreid/training-types';
import type { TrainingRunDetail } from '../training';
import type { Command, Options } from './commands';
import { chooseModel, findDataset, requireBatchFits } from './model-choice';
import { openCliSession } from './session';
import { newRunOptions, parseOverrides, parsePreset, parseRunId, parseRunName } from './train-options';
import { waitForTrainingRun } from './training-run';

export const trainCommand: Command = {
  summary: 'Train an MP-ReID run on cached features in the foreground and print its figures.',
  usage: [
    'mpreid train --workspace FILE --dataset NAME|ID --preset NAME [--model NAME|ID] [--epochs N] [--stage1-epochs N]',
    '             [--identities-per-batch P] [--images-per-identity K] [--steps-per-epoch N] [--learning-rate RATE]',
    '             [--seed N] [--vocab FILE] [--name NAME] [--json]',
    '       mpreid train --workspace FILE --resume RUN_ID [--json]',
    '',
    `Presets: ${presetNames.join(', ')}.`,
    'The dataset needs cached embeddings of the model for its train, query and gallery images.',
    'Without --vocab, the vocabulary path comes from the MPREID_CLIP_VOCAB environment variable.',
    'Ctrl+C or SIGTERM cancels the run, keeping its finished epochs; --resume RUN_ID continues it.',
  ].join('\n'),
  options: {
    workspace: { type: 'string', help: 'workspace file (.mpreid) holding the dataset' },
    dataset: { type: 'string', help: 'dataset name or id' },
    preset: { type: 'string', help: `ablation preset: ${presetNames.join(', ')}` },
    model: { type: 'string', help: 'frozen image model name or id (default: the only model with embeddings for the dataset that no run registered)' },
    epochs: { type: 'string', help: 'stage-2 epochs, from 1 to 500 (default: the preset\'s)' },
    'stage1-epochs': { type: 'string', help: 'stage-1 epochs, which learn the implicit prompts, from 0 to 500 (default: the preset\'s)' },
    'identities-per-batch': { type: 'string', help: 'identities in each batch (P), from 2 to 256; at most the train split\'s identities' },
    'images-per-identity': { type: 'string', help: 'images of each identity in a batch (K), from 1 to 64' },
    'steps-per-epoch': { type: 'string', help: 'optimizer steps per epoch (default: training images divided by P x K)' },
    'learning-rate': { type: 'string', help: 'stage-2 learning rate, such as 0.0005; another rate than the preset\'s makes the run custom' },
    seed: { type: 'string', help: 'random seed of initialization and batch sampling, from 0 to 2147483647' },
    vocab: { type: 'string', help: "CLIP's bpe_simple_vocab_16e6.txt.gz, or a folder with Hugging Face vocab.json and merges.txt" },
    name: { type: 'string', help: 'run name (default: the preset and start time in UTC)' },
    resume: { type: 'string', help: 'id of a cancelled, failed or interrupted run to continue from its last checkpoint' },
    json: { type: 'boolean', help: 'print the result as one JSON object on stdout' },
  },
  run: (options) => (options.resume === undefined ? runTrain(options) : runResume(options)),
};

async function runTrain(options: Options): Promise<unknown> {
  const workspace = requiredOption(options, 'workspace');
  const datasetKey = requiredOption(options, 'dataset');
  const preset = parsePreset(requiredOption(options, 'preset'));
  const overrides = parseOverrides(options);
  const name = parseRunName(options.name);

  const session = openCliSession(workspace);
  try {
    const datasetId = await findDataset(session, datasetKey);
    const model = await chooseModel(session, datasetId, options.model as string | undefined);
    const presetConfig = (await session.call('training.presets', {})).find((entry) => entry.name === preset)!.config;
    requireBatchFits(session, datasetId, overrides?.identitiesPerBatch ?? presetConfig.identitiesPerBatch);

    const started = await session.call('training.start', {
      datasetId,
      imageModelId: model.modelId,
      preset,
      name,
      overrides,
      vocabularyPath: options.vocab ? resolve(String(options.vocab)) : undefined,
    });
    return describeRun(await waitForTrainingRun(session, workspace, started));
  } finally {
    session.close();
  }
}

async function runResume(options: Options): Promise<unknown> {
  const workspace = requiredOption(options, 'workspace');
  const runId = parseRunId(String(options.resume));
  const extra = newRunOptions.filter((option) => options[option] !== undefined);
  if (extra.length > 0) {
    throw new ValidationError(`--resume continues run ${runId} with the settings it was started with, so it takes no ${extra.map((option) => `--${option}`).join(', ')}.`);
  }

  const session = openCliSession(workspace);
  try {
    const started = await session.call('training.resume', { runId });
    return describeRun(await waitForTrainingRun(session, workspace, started));
  } finally {
    session.close();
  }
}

function describeRun(run: TrainingRunDetail) {
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
}

/** Leaves out the CMC curve, which would fill the terminal; training.get returns it. */
function withoutCurve<T extends { cmc: number[] }>(figures: T | null): Omit<T, 'cmc'> | null {
  if (figures === null) return null;
  const { cmc: _cmc, ...rest } = figures;
  return rest;
}

function requiredOption(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new ValidationError(`Missing --${name}. Run with --help for usage.`);
  return value;
}
