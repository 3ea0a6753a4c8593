import { ValidationError } from '../../errors';
import { createSession } from '../runtime';
import type { HostTensor } from '../runtime';
import { exportInferenceModel } from '../training/export';
import { textEncoderGraph } from './inference-graphs';
import type { ModelSpec } from './stage-graphs';
import type { IdentityPromptTokens } from './training-types';

type Values = ReadonlyMap<string, Float32Array | Float64Array>;

/** Sentences per text-encoder run. */
const sentencesPerRun = 512;

/** Cuts a sentence to `length` tokens, keeping its end token last. */
function fitSentence(tokens: readonly number[], length: number): number[] {
  return tokens.length <= length ? [...tokens] : [...tokens.slice(0, length - 1), tokens.at(-1)!];
}

/** Groups an identity's prompt sentences as the run's graph does: one group per prompt kind. */
function sentenceGroups(prompts: IdentityPromptTokens, spec: ModelSpec): number[][][] {
  const table = spec.table!;
  const groups: number[][][] = [];
  if (table.single?.rows.attributeWords && prompts.attributeWords) groups.push([prompts.attributeWords]);
  if (table.single?.rows.chat && prompts.chat) groups.push([prompts.chat]);
  if (table.vqa && prompts.vqa.length > 0) groups.push(prompts.vqa);
  return groups;
}

/**
 * Identity prompt feature of each person id, as the stage-2 graph forms it:
 * the unit sum of the unit feature of each prompt kind, VQA sentences
 * averaged first. Identities without any prompt of the run's kinds are refused.
 */
export async function identityPromptFeatures(spec: ModelSpec, values: Values, prompts: ReadonlyMap<number, IdentityPromptTokens>): Promise<Map<number, Float32Array>> {
  if (!spec.table) throw new ValidationError('A run without explicit prompts has no identity prompts to evaluate with. Evaluate with image features.');
  const length = spec.text.options.contextLength;
  const sentences = new Map<string, number[]>();
  const groupsByPerson = new Map<number, number[][][]>();
  for (const [personId, identity] of prompts) {
    const groups = sentenceGroups(identity, spec).map((group) => group.map((tokens) => fitSentence(tokens, length)));
    if (groups.length === 0) throw new ValidationError(`Identity ${personId} has no prompt of the run's kinds, so the oracle evaluation cannot describe it. Generate its prompts first.`);
    for (const tokens of groups.flat()) sentences.set(tokens.join(' '), tokens);
    groupsByPerson.set(personId, groups);
  }

  const encoded = await encodeSentenceList(spec, values, [...sentences.values()]);
  const features = new Map<number, Float32Array>();
  for (const [personId, groups] of groupsByPerson) {
    const sum = new Float32Array(spec.jointWidth);
    for (const group of groups) {
      const mean = unit(averageRows(group.map((tokens) => encoded.get(tokens.join(' '))!), spec.jointWidth));
      mean.forEach((value, i) => (sum[i] += value));
    }
    features.set(personId, unit(sum));
  }
  return features;
}

async function encodeSentenceList(spec: ModelSpec, values: Values, sentences: number[][]): Promise<Map<string, Float32Array>> {
  const length = spec.text.options.contextLength;
  const session = await createSession(exportInferenceModel(textEncoderGraph(spec), values), { provider: 'cpu' });
  const encoded = new Map<string, Float32Array>();
  try {
    for (let start = 0; start < sentences.length; start += sentencesPerRun) {
      const batch = sentences.slice(start, start + sentencesPerRun);
      const tokens = new BigInt64Array(batch.length * length);
      batch.forEach((sentence, row) => sentence.forEach((token, position) => (tokens[row * length + position] = BigInt(token))));
      const feeds: Record<string, HostTensor> = {
        tokens: { type: 'int64', data: tokens, dims: [batch.length, length] },
        eos_index: { type: 'int64', data: BigInt64Array.from(batch, (sentence) => BigInt(sentence.length - 1)), dims: [batch.length] },
      };
      const joint = (await session.run(feeds, ['joint'])).joint.data as Float32Array;
      batch.forEach((sentence, row) => encoded.set(sentence.join(' '), joint.slice(row * spec.jointWidth, (row + 1) * spec.jointWidth)));
    }
    return encoded;
  } finally {
    await session.release();
  }
}

function averageRows(rows: readonly Float32Array[], width: number): Float32Array {
  const mean = new Float32Array(width);
  for (const row of rows) row.forEach((value, i) => (mean[i] += value / rows.length));
  return mean;
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** Appends each row's identity prompt feature to its retrieval feature: [rows, width + jointWidth]. */
export function withIdentityPrompts(features: Float32Array, width: number, personIds: Int32Array, prompts: ReadonlyMap<number, Float32Array>, jointWidth: number): Float32Array {
  const joined = new Float32Array(personIds.length * (width + jointWidth));
  personIds.forEach((personId, row) => {
    const prompt = prompts.get(personId);
    if (!prompt) throw new ValidationError(`Identity ${personId} has no prompts, so the oracle evaluation cannot describe it. Generate its prompts first.`);
    joined.set(features.subarray(row * width, (row + 1) * width), row * (width + jointWidth));
    joined.set(prompt, row * (width + jointWidth) + width);
  });
  return joined;
}
