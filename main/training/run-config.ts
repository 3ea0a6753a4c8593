import type { ExecutionProviderChoice } from '../api/schemas';
import type { MpreidConfig, PresetName } from '../ml/mpreid/training-types';
import { clipContextLength } from '../ml/tokenizer';
import type { TrainingConfig } from './run-views';

/**
 * Fields that change how long, on which batches or where a run trains, but
 * not which model it trains. Overriding only these keeps the preset's name,
 * so a small dataset can lower the identities per batch and stay in its
 * ablation row. Overriding any other field (prompt kinds, loss weights, sizes,
 * learning rates) makes the run 'custom'.
 */
const scheduleFields: readonly (keyof TrainingConfig)[] = [
  'stage1Epochs',
  'stage2Epochs',
  'stepsPerEpoch',
  'identitiesPerBatch',
  'imagesPerIdentity',
  'seed',
  'evaluateEachEpoch',
  'executionProvider',
];

/**
 * Merges a preset with overrides. Each override replaces the preset's whole
 * field, nested objects included, as the contract's partial schema requires
 * them whole. Without an override the execution provider is the app setting.
 */
export function mergeRunConfig(preset: MpreidConfig, overrides: Partial<TrainingConfig> | undefined, executionProvider: ExecutionProviderChoice): MpreidConfig {
  const merged: MpreidConfig = { ...structuredClone(preset), executionProvider, ...structuredClone(overrides ?? {}) };
  merged.preset = changesModel(preset, merged) ? 'custom' : preset.preset;
  return merged;
}

function changesModel(preset: MpreidConfig, merged: MpreidConfig): boolean {
  const keys = new Set([...Object.keys(preset), ...Object.keys(merged)]) as Set<keyof MpreidConfig>;
  for (const key of keys) {
    if (key === 'preset' || scheduleFields.includes(key as keyof TrainingConfig)) continue;
    if (JSON.stringify(preset[key]) !== JSON.stringify(merged[key])) return true;
  }
  return false;
}

/** Tokens per prompt the run's text encoder reads: its own context length, or CLIP's. */
export function contextLengthOf(config: MpreidConfig): number {
  return config.textEncoder.source === 'scratch' ? config.textEncoder.contextLength : clipContextLength;
}

/** Names a run after its preset and start time in UTC to the second, such as "chat-vqa 2026-05-04 13:20:07". */
export function defaultRunName(preset: PresetName, now: Date = new Date()): string {
  return `${preset} ${now.toISOString().slice(0, 19).replace('T', ' ')}`;
}

/** Describes the features a run evaluates with, until the trainer reports its own description. */
export function describeEvaluationFeatures(config: MpreidConfig, imageModelName: string): { features: string; oracle: boolean } {
  if (config.evaluationFeatures === 'image-with-identity-prompts') {
    return { features: `${imageModelName} features through the trained image head, fused with identity prompt features (oracle)`, oracle: true };
  }
  return { features: `${imageModelName} features through the trained image head`, oracle: false };
}
