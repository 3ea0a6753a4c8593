import { ValidationError } from '../errors';
import { presetNames, type PresetName } from '../ml/mpreid/training-types';
import type { TrainingConfig } from '../training';
import type { Options } from './commands';

/** Options of `mpreid train` that override one field of the preset's configuration each. */
const overrideOptions = {
  epochs: { field: 'stage2Epochs', minimum: 1, maximum: 500 },
  'stage1-epochs': { field: 'stage1Epochs', minimum: 0, maximum: 500 },
  'identities-per-batch': { field: 'identitiesPerBatch', minimum: 2, maximum: 256 },
  'images-per-identity': { field: 'imagesPerIdentity', minimum: 1, maximum: 64 },
  'steps-per-epoch': { field: 'stepsPerEpoch', minimum: 1, maximum: 100_000 },
  seed: { field: 'seed', minimum: 0, maximum: 2 ** 31 - 1 },
} as const satisfies Record<string, { field: keyof TrainingConfig; minimum: number; maximum: number }>;

/** Options that describe a new run, which --resume cannot take because a resumed run keeps its stored settings. */
export const newRunOptions = ['dataset', 'preset', 'model', 'vocab', 'name', 'learning-rate', ...Object.keys(overrideOptions)];

/** Collects the configuration fields that the options override, or undefined when none does. */
export function parseOverrides(options: Options): Partial<TrainingConfig> | undefined {
  const overrides: Partial<TrainingConfig> = {};
  for (const [option, { field, minimum, maximum }] of Object.entries(overrideOptions)) {
    if (options[option] !== undefined) overrides[field] = parseWholeNumber(option, String(options[option]), minimum, maximum);
  }
  if (options['learning-rate'] !== undefined) overrides.learningRate = parseLearningRate(String(options['learning-rate']));
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}

export function parsePreset(value: string): PresetName {
  if ((presetNames as readonly string[]).includes(value)) return value as PresetName;
  throw new ValidationError(`--preset ${value} is not valid; use one of ${presetNames.join(', ')}.`);
}

export function parseRunName(value: Options[string]): string | undefined {
  if (value === undefined) return undefined;
  const name = String(value).trim();
  if (name === '' || name.length > 200) throw new ValidationError(`--name "${String(value)}" is not valid; use 1 to 200 characters.`);
  return name;
}

export function parseRunId(value: string): number {
  return parseWholeNumber('resume', value, 1, Number.MAX_SAFE_INTEGER);
}

function parseWholeNumber(option: string, value: string, minimum: number, maximum: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < minimum || number > maximum) {
    throw new ValidationError(`--${option} ${value} is not valid; use a whole number from ${minimum} to ${maximum}.`);
  }
  return number;
}

function parseLearningRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0 || rate > 1) {
    throw new ValidationError(`--learning-rate ${value} is not valid; use a number above 0 and at most 1, such as 0.0005.`);
  }
  return rate;
}
