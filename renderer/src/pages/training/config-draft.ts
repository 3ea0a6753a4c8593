import type { z } from 'zod';
import { trainingConfigSchema } from '../../../../main/api/training-contract';

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
export type TextEncoder = TrainingConfig['textEncoder'];
export type ScratchTextEncoder = Extract<TextEncoder, { source: 'scratch' }>;

/** The config as the form edits it: a number field may hold the text being typed, or '' while empty. */
type Draft<T> = T extends number ? number | string : T extends string | boolean ? T : { [K in keyof T]: Draft<T[K]> };
export type ConfigDraft = Draft<TrainingConfig>;

/** Field errors keyed by the field's path in the config, such as "lossWeights.tri". */
export type FieldErrors = Record<string, string>;

export type DraftCheck = { config: TrainingConfig; errors: null } | { config: null; errors: FieldErrors };

/** Text encoder sizes offered when switching from CLIP weights to one trained from scratch: CLIP's text transformer. */
export const clipSizedScratchEncoder: ScratchTextEncoder = { source: 'scratch', width: 512, layers: 12, heads: 8, contextLength: 77 };

/** Parses the draft with the API's own schema and returns the config, or one message per invalid field. */
export function checkDraft(draft: ConfigDraft): DraftCheck {
  // An empty steps per epoch means the default, the training images divided by the batch size.
  const { stepsPerEpoch, ...required } = draft;
  const candidate = numbersOf(stepsPerEpoch === '' ? required : draft);
  const parsed = trainingConfigSchema.safeParse(candidate);
  const errors: FieldErrors = {};

  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      errors[path] ??= fieldMessage(issue, draftField(draft, path));
    }
  }

  // Multi-head attention splits the width evenly between the heads; checked even when other fields are invalid.
  const { width, heads } = (candidate as { textEncoder: { width?: unknown; heads?: unknown } }).textEncoder;
  const sizesValid = !errors['textEncoder.width'] && !errors['textEncoder.heads'] && typeof width === 'number' && typeof heads === 'number';
  if (draft.textEncoder.source === 'scratch' && sizesValid && width % heads !== 0) {
    errors['textEncoder.heads'] = `Width ${width} does not split into ${heads} heads; choose a divisor of the width.`;
  }

  if (parsed.success && Object.keys(errors).length === 0) return { config: parsed.data, errors: null };
  return { config: null, errors };
}

/** Replaces typed numbers with numbers; other text stays, so the schema rejects it where it expects a number. */
function numbersOf(value: unknown): unknown {
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, numbersOf(item)]));
}

/** Issue fields this form reads; zod's own messages name types and operators rather than what to type. */
interface SchemaIssue {
  code: string;
  message: string;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
}

function fieldMessage(issue: SchemaIssue, typed: unknown): string {
  const isNumber = issue.origin === 'number' || issue.origin === 'int';
  if (issue.code === 'too_small' && isNumber) return issue.inclusive === false ? `Must be above ${issue.minimum}.` : `Must be at least ${issue.minimum}.`;
  if (issue.code === 'too_big' && isNumber) return issue.inclusive === false ? `Must be below ${issue.maximum}.` : `Must be at most ${issue.maximum}.`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'Required.';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Must be a whole number.';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return typed === '' || typed === undefined ? 'Required.' : 'Must be a number.';
  return issue.message;
}

/** Sets the value at a dotted path, copying each object on the way so that React detects the change. */
export function setDraftField(draft: ConfigDraft, path: string, value: unknown): ConfigDraft {
  const [head, ...rest] = path.split('.');
  const record = draft as unknown as Record<string, unknown>;
  const next = rest.length === 0 ? value : setDraftField(record[head] as ConfigDraft, rest.join('.'), value);
  return { ...record, [head]: next } as unknown as ConfigDraft;
}

/** Reads the value at a dotted path, or undefined where the path leads nowhere. */
export function draftField(draft: ConfigDraft, path: string): unknown {
  let value: unknown = draft;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Changes the text encoder's source, taking scratch sizes from the preset when it has them. */
export function withTextEncoderSource(draft: ConfigDraft, source: TextEncoder['source'], presetEncoder: TextEncoder | undefined): ConfigDraft {
  if (draft.textEncoder.source === source) return draft;
  if (source === 'clip') return { ...draft, textEncoder: { source: 'clip', weightsPath: '' } };
  return { ...draft, textEncoder: presetEncoder?.source === 'scratch' ? presetEncoder : clipSizedScratchEncoder };
}

/** True when the draft parses to exactly the preset's config, so the run keeps the preset's name. */
export function matchesPreset(draft: ConfigDraft, preset: TrainingConfig): boolean {
  const check = checkDraft(draft);
  return check.config !== null && sameValue(check.config, preset);
}

function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') return false;
  const leftKeys = Object.keys(left).filter((key) => (left as Record<string, unknown>)[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => (right as Record<string, unknown>)[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every((key) => sameValue((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]));
}
