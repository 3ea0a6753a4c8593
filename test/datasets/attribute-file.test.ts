import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attributeCoverage } from '../../main/datasets/attribute-coverage';
import { readAttributeFile } from '../../main/datasets/attribute-file';
import { readMatFile } from '../../main/datasets/mat/mat-reader';
import { DatasetFormatError, NotFoundError, ValidationError } from '../../main/errors';
import { dukeAttributes, marketAttributes, useTempDirs } from './fixtures';
import { attributePart, mat, type MatInput, writeMatFile } from './mat-writer';

const tempDir = useTempDirs();

function writeAttributeFile(variables: Record<string, MatInput>, compress = true): string {
  const file = join(tempDir('attributes'), 'attributes.mat');
  writeFileSync(file, writeMatFile(variables, { compress }));
  return file;
}

/** Builds a small valid Market-style file: train ids 2 and 7, test ids 1 and 3. */
function marketParts(overrides: { train?: MatInput; test?: MatInput } = {}): Record<string, MatInput> {
  return {
    market_attribute: mat.struct({
      test: overrides.test ?? attributePart([1, 3], { age: [3, 4], gender: [1, 2], upred: [1, 2] }),
      train: overrides.train ?? attributePart([2, 7], { gender: [2, 2], age: [1, 2], upred: [2, 1] }),
    }),
  };
}

describe('readAttributeFile on real files', () => {
  it('duke identities and attributes', async () => {
    const table = await readAttributeFile(dukeAttributes, 'dukemtmc');
    expect(table.attributes).toHaveLength(23);
    expect(table.rows.size).toBe(702 + 1110);
    expect(table.attributes.find((attribute) => attribute.name === 'top')?.valueMeanings).toEqual({ '1': 'short upper-body clothing', '2': 'long upper-body clothing' });
    expect(table.attributes.find((attribute) => attribute.name === 'upred')?.valueMeanings).toEqual({ '1': 'no', '2': 'yes' });
  });

  it('duke unlabelled codes skipped', async () => {
    const table = await readAttributeFile(dukeAttributes, 'dukemtmc');
    const top = table.attributes.findIndex((attribute) => attribute.name === 'top');
    const unlabelled = [...table.rows].filter(([, codes]) => codes[top] === null).map(([personId]) => personId);
    expect(table.unlabelledValues).toBe(unlabelled.length);
    expect(unlabelled.length).toBeGreaterThan(0);
    for (const [, codes] of table.rows) for (const code of codes) expect([null, 1, 2]).toContain(code);
  });

  it('market identities and attributes', async () => {
    const table = await readAttributeFile(marketAttributes, 'market1501');
    expect(table.attributes).toHaveLength(27);
    expect(table.rows.size).toBe(751 + 750);
    expect(table.unlabelledValues).toBe(0);
    expect(table.attributes.find((attribute) => attribute.name === 'age')?.valueMeanings).toEqual({ '1': 'young', '2': 'teenager', '3': 'adult', '4': 'old' });
    expect(table.attributes.find((attribute) => attribute.name === 'gender')?.valueMeanings).toEqual({ '1': 'male', '2': 'female' });
  });

  it('fields mapped by name', async () => {
    // Compares every test identity's codes with the raw struct, whose field order differs from train.
    const table = await readAttributeFile(marketAttributes, 'market1501');
    const root = readMatFile(readFileSync(marketAttributes), 'market').get('market_attribute');
    const test = root?.kind === 'struct' ? root.elements[0].get('test') : undefined;
    if (test?.kind !== 'struct') throw new Error('market_attribute.test is not a struct');

    const fields = test.elements[0];
    const index = fields.get('image_index');
    if (index?.kind !== 'cell') throw new Error('market_attribute.test.image_index is not a cell array');
    const personIds = index.cells.map((cell) => Number(cell.kind === 'char' ? cell.rows[0] : NaN));
    table.attributes.forEach((attribute, column) => {
      const raw = fields.get(attribute.name);
      const rawCodes = raw?.kind === 'numeric' ? Array.from(raw.real) : [];
      const tableCodes = personIds.map((personId) => table.rows.get(personId)?.[column]);
      expect(tableCodes, attribute.name).toEqual(rawCodes);
    });
  });
});

describe('readAttributeFile on hand-made files', () => {
  it('valid small file', async () => {
    const table = await readAttributeFile(writeAttributeFile(marketParts()), 'market1501');
    expect(table.attributes.map((attribute) => attribute.name)).toEqual(['gender', 'age', 'upred']);
    expect(table.rows.get(3)).toEqual([2, 4, 2]);
    expect(table.rows.get(7)).toEqual([2, 2, 1]);
  });

  it('missing image_index', async () => {
    const train = mat.struct({ gender: mat.row([2, 2]), age: mat.row([1, 2]), upred: mat.row([2, 1]) });
    await expect(readAttributeFile(writeAttributeFile(marketParts({ train })), 'market1501')).rejects.toThrow(/no field train\.image_index/);
  });

  it('missing test part', async () => {
    const file = writeAttributeFile({ market_attribute: mat.struct({ train: attributePart([2], { gender: [1] }) }) });
    await expect(readAttributeFile(file, 'market1501')).rejects.toThrow(/no 1 x 1 struct with fields train and test.*market_attribute \(struct with fields train\)/);
  });

  it('code outside meanings', async () => {
    const test = attributePart([1, 3], { age: [3, 5], gender: [1, 2], upred: [1, 2] });
    const promise = readAttributeFile(writeAttributeFile(marketParts({ test })), 'market1501');
    await expect(promise).rejects.toThrow(DatasetFormatError);
    await expect(promise).rejects.toThrow(/test\.age .* code 5 for identity 0003/);
  });

  it('wrong value count', async () => {
    const test = attributePart([1, 3], { age: [3], gender: [1, 2], upred: [1, 2] });
    await expect(readAttributeFile(writeAttributeFile(marketParts({ test })), 'market1501')).rejects.toThrow(/test\.age .* 1 values but test\.image_index lists 2/);
  });

  it('attribute missing from one part', async () => {
    const test = attributePart([1, 3], { age: [3, 4], gender: [1, 2] });
    await expect(readAttributeFile(writeAttributeFile(marketParts({ test })), 'market1501')).rejects.toThrow(/test lacks upred/);
  });

  it('identity listed twice', async () => {
    const test = attributePart([1, 7], { age: [3, 4], gender: [1, 2], upred: [1, 2] });
    await expect(readAttributeFile(writeAttributeFile(marketParts({ test })), 'market1501')).rejects.toThrow(/identity 0007 twice/);
  });

  it('non-numeric image_index', async () => {
    const train = mat.struct({ gender: mat.row([1]), image_index: mat.cellRow([mat.text('abc')]) });
    const test = mat.struct({ gender: mat.row([1]), image_index: mat.cellRow([mat.text('0001')]) });
    const file = writeAttributeFile({ market_attribute: mat.struct({ train, test }) });
    await expect(readAttributeFile(file, 'market1501')).rejects.toThrow(/"abc" at entry 1/);
  });

  it('attribute file of other dataset', async () => {
    await expect(readAttributeFile(dukeAttributes, 'market1501')).rejects.toThrow(/belongs to DukeMTMC-reID/);
  });

  it('not a mat file', async () => {
    const file = join(tempDir('attributes'), 'attributes.mat');
    writeFileSync(file, 'plain text');
    await expect(readAttributeFile(file, 'market1501')).rejects.toThrow(DatasetFormatError);
  });

  it('missing and folder paths', async () => {
    await expect(readAttributeFile('/nonexistent/attributes.mat', 'market1501')).rejects.toThrow(NotFoundError);
    await expect(readAttributeFile(tempDir('attributes'), 'market1501')).rejects.toThrow(ValidationError);
  });
});

describe('attributeCoverage', () => {
  it('lists both kinds of gap', async () => {
    const table = await readAttributeFile(writeAttributeFile(marketParts()), 'market1501');
    const coverage = attributeCoverage(table, new Set([0, 1, 2, 9, 12]));
    expect(coverage.identitiesWithAttributes).toBe(2);
    expect(coverage.identitiesWithoutAttributes).toEqual([9, 12]);
    expect(coverage.attributesWithoutImages).toEqual([3, 7]);
    expect(coverage.attributeNames).toEqual(['gender', 'age', 'upred']);
  });
});
