import type { IdentityPromptTokens } from './training-types';

/** Explicit prompt kinds encoded as one sentence per identity, in graph order. */
export const singleSentenceKinds = ['attributeWords', 'chat'] as const;
export type SingleSentenceKind = (typeof singleSentenceKinds)[number];

/**
 * Distinct sentences of one group, each stored once. Identities share many
 * sentences ("The person is wearing a hat."), so a batch encodes each
 * distinct sentence once and gathers features per identity.
 */
export interface SentenceGroup {
  sentences: number[][];
  /** Maximum sentence length in tokens: the width of the group's token matrix. */
  length: number;
}

/**
 * The prompts of a dataset in two groups that the text encoder reads apart:
 * the single sentences (attribute words, ChatGPT prompt), about three times
 * longer than the VQA sentences, which would otherwise be padded to their length.
 */
export interface PromptTable {
  single: (SentenceGroup & { rows: Record<SingleSentenceKind, Int32Array | null> }) | null;
  /** VQA sentence rows of each class, -1 where a question has no answer: [classes * questions]. */
  vqa: (SentenceGroup & { rows: Int32Array; questions: number }) | null;
}

function groupBuilder(): { group: SentenceGroup; row(tokens: number[]): number } {
  const group: SentenceGroup = { sentences: [], length: 0 };
  const rowOf = new Map<string, number>();
  const row = (tokens: number[]) => {
    const key = tokens.join(' ');
    if (!rowOf.has(key)) {
      rowOf.set(key, group.sentences.length);
      group.sentences.push(tokens);
      group.length = Math.max(group.length, tokens.length);
    }
    return rowOf.get(key)!;
  };
  return { group, row };
}

export function buildPromptTable(prompts: readonly IdentityPromptTokens[], kinds: { attributeWords: boolean; chat: boolean; vqa: boolean }): PromptTable {
  let single: PromptTable['single'] = null;
  if (kinds.attributeWords || kinds.chat) {
    const { group, row } = groupBuilder();
    const rowsOf = (kind: SingleSentenceKind) => (kinds[kind] ? Int32Array.from(prompts, (prompt) => row(prompt[kind]!)) : null);
    const rows = { attributeWords: rowsOf('attributeWords'), chat: rowsOf('chat') };
    single = { ...group, rows };
  }

  let vqa: PromptTable['vqa'] = null;
  if (kinds.vqa) {
    const { group, row } = groupBuilder();
    const questions = Math.max(...prompts.map((prompt) => prompt.vqa.length));
    const rows = new Int32Array(prompts.length * questions).fill(-1);
    prompts.forEach((prompt, classIndex) => prompt.vqa.forEach((tokens, question) => (rows[classIndex * questions + question] = row(tokens))));
    vqa = { ...group, rows, questions };
  }
  return { single, vqa };
}

/** Lists every sentence of the table, for building a vocabulary or a fingerprint. */
export function tableSentences(table: PromptTable): number[][] {
  return [...(table.single?.sentences ?? []), ...(table.vqa?.sentences ?? [])];
}

/** Rows of each group that a batch of P identities can need at most, so the token matrices have fixed heights. */
export function batchCapacity(table: PromptTable, identities: number): { single: number; vqa: number } {
  const singleKinds = table.single ? singleSentenceKinds.filter((kind) => table.single!.rows[kind] !== null).length : 0;
  return {
    single: table.single ? Math.min(identities * singleKinds, table.single.sentences.length) : 0,
    vqa: table.vqa ? Math.min(identities * table.vqa.questions, table.vqa.sentences.length) : 0,
  };
}

/** A group's token matrix [capacity, length] (zero-padded after each end token) and end positions [capacity]. */
export interface PackedSentences {
  tokens: BigInt64Array;
  endIndex: BigInt64Array;
}

export interface PromptBatch {
  single?: PackedSentences & { rows: Partial<Record<SingleSentenceKind, BigInt64Array>> };
  /** VQA rows [P * questions]; unanswered questions point at row 0 and are masked out. */
  vqa?: PackedSentences & { rows: BigInt64Array; mask: Float32Array };
}

/** Numbers the group rows a batch uses from 0, in order of first use. */
function localRows(): { map: Map<number, number>; local(row: number): number } {
  const map = new Map<number, number>();
  return { map, local: (row) => (map.has(row) ? map.get(row)! : (map.set(row, map.size), map.size - 1)) };
}

/** Packs the distinct sentences of the given classes into token matrices and the gather indices into them. */
export function assemblePromptBatch(table: PromptTable, classes: readonly number[], capacity: { single: number; vqa: number }): PromptBatch {
  const batch: PromptBatch = {};
  if (table.single) {
    const { map, local } = localRows();
    const rows: Partial<Record<SingleSentenceKind, BigInt64Array>> = {};
    for (const kind of singleSentenceKinds) {
      const kindRows = table.single.rows[kind];
      if (kindRows) rows[kind] = BigInt64Array.from(classes, (classIndex) => BigInt(local(kindRows[classIndex])));
    }
    batch.single = { ...packSentences(table.single, [...map.keys()], capacity.single), rows };
  }

  if (table.vqa) {
    const { map, local } = localRows();
    const q = table.vqa.questions;
    const rows = new BigInt64Array(classes.length * q);
    const mask = new Float32Array(classes.length * q);
    classes.forEach((classIndex, i) => {
      for (let question = 0; question < q; question++) {
        const groupRow = table.vqa!.rows[classIndex * q + question];
        if (groupRow < 0) continue;
        rows[i * q + question] = BigInt(local(groupRow));
        mask[i * q + question] = 1;
      }
    });
    batch.vqa = { ...packSentences(table.vqa, [...map.keys()], capacity.vqa), rows, mask };
  }
  return batch;
}

/** Token matrix of the given group rows; rows past them repeat the first sentence and are never gathered. */
function packSentences(group: SentenceGroup, groupRows: readonly number[], capacity: number): PackedSentences {
  const tokens = new BigInt64Array(capacity * group.length);
  const endIndex = new BigInt64Array(capacity);
  for (let row = 0; row < capacity; row++) {
    const sentence = group.sentences[groupRows[row] ?? groupRows[0] ?? 0];
    sentence.forEach((token, position) => (tokens[row * group.length + position] = BigInt(token)));
    endIndex[row] = BigInt(sentence.length - 1);
  }
  return { tokens, endIndex };
}
