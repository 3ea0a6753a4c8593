import { describe, expect, it } from 'vitest';
import { assemblePromptBatch, batchCapacity, buildPromptTable, tableSentences } from '../../../main/ml/mpreid/prompt-table';
import type { IdentityPromptTokens } from '../../../main/ml/mpreid';

const hat = [1, 50, 51, 2];
const noHat = [1, 50, 52, 53, 2];
const man = [1, 60, 2];

const prompts: IdentityPromptTokens[] = [
  { attributeWords: null, chat: [1, 10, 11, 12, 13, 2], vqa: [man, hat] },
  { attributeWords: null, chat: [1, 12, 2], vqa: [man, noHat] },
  { attributeWords: null, chat: [1, 10, 11, 12, 13, 2], vqa: [hat] },
];

const allKinds = { attributeWords: false, chat: true, vqa: true };

describe('prompt table', () => {
  it('stores each distinct sentence once per group', () => {
    const table = buildPromptTable(prompts, allKinds);

    expect(table.single!.sentences).toHaveLength(2);
    expect(table.single!.length).toBe(6);
    expect(Array.from(table.single!.rows.chat!)).toEqual([0, 1, 0]);
    expect(table.single!.rows.attributeWords).toBeNull();
    expect(table.vqa!.sentences).toEqual([man, hat, noHat]);
    expect(table.vqa!.length).toBe(5);
    expect(table.vqa!.questions).toBe(2);
    expect(Array.from(table.vqa!.rows)).toEqual([0, 1, 0, 2, 1, -1]);
    expect(tableSentences(table)).toHaveLength(5);
  });

  it('caps each group at its distinct sentences', () => {
    const table = buildPromptTable(prompts, allKinds);

    expect(batchCapacity(table, 2)).toEqual({ single: 2, vqa: 3 });
    expect(batchCapacity(table, 1)).toEqual({ single: 1, vqa: 2 });
  });

  it('leaves unchosen kinds out', () => {
    const table = buildPromptTable(prompts, { attributeWords: false, chat: true, vqa: false });

    expect(table.vqa).toBeNull();
    expect(batchCapacity(table, 3)).toEqual({ single: 2, vqa: 0 });
  });

  it('gathers batch rows and masks unanswered questions', () => {
    const table = buildPromptTable(prompts, allKinds);
    const batch = assemblePromptBatch(table, [2, 0], { single: 2, vqa: 3 });

    const rowTokens = (group: { tokens: BigInt64Array }, length: number, row: number) => Array.from(group.tokens.subarray(row * length, (row + 1) * length), Number);
    const chatRows = Array.from(batch.single!.rows.chat!, Number);
    expect(rowTokens(batch.single!, 6, chatRows[0])).toEqual([1, 10, 11, 12, 13, 2]);
    expect(chatRows[1]).toBe(chatRows[0]);

    const vqaRows = Array.from(batch.vqa!.rows, Number);
    expect(Array.from(batch.vqa!.mask)).toEqual([1, 0, 1, 1]);
    expect(rowTokens(batch.vqa!, 5, vqaRows[0])).toEqual([...hat, 0]);
    expect(rowTokens(batch.vqa!, 5, vqaRows[2])).toEqual([...man, 0, 0]);
    expect(Number(batch.vqa!.endIndex[vqaRows[2]])).toBe(2);
  });
});
