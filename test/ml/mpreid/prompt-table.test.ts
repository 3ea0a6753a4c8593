import { describe, expect, it } from 'vitest';
import { assemblePromptBatch, batchSentenceCapacity, buildPromptTable } from '../../../main/ml/mpreid/prompt-table';
import type { IdentityPromptTokens } from '../../../main/ml/mpreid';

const hat = [1, 50, 51, 2];
const noHat = [1, 50, 52, 53, 2];
const man = [1, 60, 2];

const prompts: IdentityPromptTokens[] = [
  { attributeWords: null, chat: [1, 10, 11, 2], vqa: [man, hat] },
  { attributeWords: null, chat: [1, 12, 2], vqa: [man, noHat] },
  { attributeWords: null, chat: [1, 10, 11, 2], vqa: [hat] },
];

describe('prompt table', () => {
  it('stores each distinct sentence once', () => {
    const table = buildPromptTable(prompts, { attributeWords: false, chat: true, vqa: true });

    expect(table.sentences).toHaveLength(5);
    expect(table.length).toBe(5);
    expect(table.questions).toBe(2);
    expect(Array.from(table.single.chat!)).toEqual([0, 1, 0]);
    expect(table.single.attributeWords).toBeNull();
    expect(Array.from(table.vqa!)).toEqual([2, 3, 2, 4, 3, -1]);
  });

  it('caps the batch capacity at the distinct sentences', () => {
    const table = buildPromptTable(prompts, { attributeWords: false, chat: true, vqa: true });

    expect(batchSentenceCapacity(table, 2)).toBe(5);
    expect(batchSentenceCapacity(table, 1)).toBe(3);
  });

  it('leaves unchosen kinds out', () => {
    const table = buildPromptTable(prompts, { attributeWords: false, chat: true, vqa: false });

    expect(table.vqa).toBeNull();
    expect(table.sentences).toHaveLength(2);
  });

  it('gathers batch rows and masks unanswered questions', () => {
    const table = buildPromptTable(prompts, { attributeWords: false, chat: true, vqa: true });
    const batch = assemblePromptBatch(table, [2, 0], 4);

    const rowTokens = (row: number) => Array.from(batch.tokens.subarray(row * table.length, (row + 1) * table.length), Number);
    const chatRows = Array.from(batch.single.chat!, Number);
    expect(rowTokens(chatRows[0])).toEqual([1, 10, 11, 2, 0]);
    expect(chatRows[1]).toBe(chatRows[0]);

    const vqaRows = Array.from(batch.vqaRows!, Number);
    expect(Array.from(batch.vqaMask!)).toEqual([1, 0, 1, 1]);
    expect(rowTokens(vqaRows[0])).toEqual([...hat, 0]);
    expect(rowTokens(vqaRows[2])).toEqual([...man, 0, 0]);
    expect(Number(batch.endIndex[vqaRows[2]])).toBe(2);
  });
});
