import type { IdentityPromptTokens } from './training-types';

/** Explicit prompt kinds encoded as one sentence per identity, in graph order. */
export const singleSentenceKinds = ['attributeWords', 'chat'] as const;
export type SingleSentenceKind = (typeof singleSentenceKinds)[number];

/**
 * The distinct prompt sentences of a dataset, each stored once, and which
 * sentences each class uses. Identities share many sentences ("The person
 * is wearing a hat."), so a batch encodes each distinct sentence once and
 * gathers the features per identity, instead of encoding every identity's
 * sentences separately.
 */
export interface PromptTable {
  sentences: number[][];
  /** Longest sentence in tokens: the width of the token matrix fed to the text encoder. */
  length: number;
  single: Record<SingleSentenceKind, Int32Array | null>;
  /** VQA sentence rows of each class, -1 where a question has no answer: [classes * questions]. */
  vqa: Int32Array | null;
  questions: number;
}

export function buildPromptTable(prompts: readonly IdentityPromptTokens[], kinds: { attributeWords: boolean; chat: boolean; vqa: boolean }): PromptTable {
  const sentences: number[][] = [];
  const rowOf = new Map<string, number>();
  const row = (tokens: number[]) => {
    const key = tokens.join(' ');
    if (!rowOf.has(key)) {
      rowOf.set(key, sentences.length);
      sentences.push(tokens);
    }
    return rowOf.get(key)!;
  };

  const singleRows = (kind: SingleSentenceKind) => (kinds[kind] ? Int32Array.from(prompts, (prompt) => row(prompt[kind]!)) : null);
  const single = { attributeWords: singleRows('attributeWords'), chat: singleRows('chat') };

  const questions = kinds.vqa ? Math.max(...prompts.map((prompt) => prompt.vqa.length)) : 0;
  const vqa = kinds.vqa ? new Int32Array(prompts.length * questions).fill(-1) : null;
  if (vqa) {
    prompts.forEach((prompt, classIndex) => prompt.vqa.forEach((tokens, question) => (vqa[classIndex * questions + question] = row(tokens))));
  }

  return { sentences, length: Math.max(0, ...sentences.map((tokens) => tokens.length)), single, vqa, questions };
}

/** Sentence rows a batch of P identities can need at most, so the token matrix has a fixed height. */
export function batchSentenceCapacity(table: PromptTable, identities: number): number {
  const perIdentity = singleSentenceKinds.filter((kind) => table.single[kind] !== null).length + table.questions;
  return Math.min(identities * perIdentity, table.sentences.length);
}

export interface PromptBatch {
  /** Token ids [capacity, length], zero-padded after each end token. */
  tokens: BigInt64Array;
  /** Position of each row's end token [capacity]. */
  endIndex: BigInt64Array;
  /** Row of each identity's sentence per single-sentence kind [P]. */
  single: Partial<Record<SingleSentenceKind, BigInt64Array>>;
  /** Rows of each identity's VQA sentences [P * questions]; unanswered questions point at row 0 and are masked. */
  vqaRows?: BigInt64Array;
  /** 1 where the identity has an answer to the question, else 0 [P * questions]. */
  vqaMask?: Float32Array;
}

/** Packs the distinct sentences of the given classes into a token matrix and the gather indices into it. */
export function assemblePromptBatch(table: PromptTable, classes: readonly number[], capacity: number): PromptBatch {
  const local = new Map<number, number>();
  const localRow = (tableRow: number) => {
    if (!local.has(tableRow)) local.set(tableRow, local.size);
    return local.get(tableRow)!;
  };

  const single: PromptBatch['single'] = {};
  for (const kind of singleSentenceKinds) {
    const rows = table.single[kind];
    if (rows) single[kind] = BigInt64Array.from(classes, (classIndex) => BigInt(localRow(rows[classIndex])));
  }

  let vqaRows: BigInt64Array | undefined;
  let vqaMask: Float32Array | undefined;
  if (table.vqa) {
    const q = table.questions;
    vqaRows = new BigInt64Array(classes.length * q);
    vqaMask = new Float32Array(classes.length * q);
    classes.forEach((classIndex, i) => {
      for (let question = 0; question < q; question++) {
        const tableRow = table.vqa![classIndex * q + question];
        if (tableRow < 0) continue;
        vqaRows![i * q + question] = BigInt(localRow(tableRow));
        vqaMask![i * q + question] = 1;
      }
    });
  }

  const { tokens, endIndex } = packSentences(table, [...local.keys()], capacity);
  return { tokens, endIndex, single, vqaRows, vqaMask };
}

/** Token matrix of the given table rows; rows past them repeat the first sentence and are never gathered. */
function packSentences(table: PromptTable, tableRows: readonly number[], capacity: number): { tokens: BigInt64Array; endIndex: BigInt64Array } {
  const tokens = new BigInt64Array(capacity * table.length);
  const endIndex = new BigInt64Array(capacity);
  for (let row = 0; row < capacity; row++) {
    const sentence = table.sentences[tableRows[row] ?? tableRows[0] ?? 0];
    sentence.forEach((token, position) => (tokens[row * table.length + position] = BigInt(token)));
    endIndex[row] = BigInt(sentence.length - 1);
  }
  return { tokens, endIndex };
}
