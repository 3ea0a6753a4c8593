import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type MatCell, type MatNumeric, type MatStruct, type MatValue, readMatFile } from '../../main/datasets/mat/mat-reader';
import { DatasetFormatError, NotSupportedError } from '../../main/errors';
import { dukeAttributes, marketAttributes } from './fixtures';
import { ElementWriter, type MatInput, matHeader, writeMatFile } from './mat-writer';

function asStruct(value: MatValue | undefined): MatStruct {
  if (value?.kind !== 'struct') throw new Error(`expected a struct, found ${value?.kind}`);
  return value;
}

function asNumeric(value: MatValue | undefined): MatNumeric {
  if (value?.kind !== 'numeric') throw new Error(`expected a numeric array, found ${value?.kind}`);
  return value;
}

function asCell(value: MatValue | undefined): MatCell {
  if (value?.kind !== 'cell') throw new Error(`expected a cell array, found ${value?.kind}`);
  return value;
}

/** Returns the text of each one-row char cell. */
function cellTexts(value: MatValue | undefined): string[] {
  return asCell(value).cells.map((cell) => {
    if (cell.kind !== 'char') throw new Error(`expected a char cell, found ${cell.kind}`);
    return cell.rows[0];
  });
}

function part(file: string, variable: string, name: 'train' | 'test'): MatStruct {
  const root = asStruct(readMatFile(readFileSync(file), file).get(variable));
  return asStruct(root.elements[0].get(name));
}

function roundTrip(value: MatInput, options: { compress?: boolean; bigEndian?: boolean } = {}): MatValue {
  const variables = readMatFile(writeMatFile({ x: value }, options), 'test.mat');
  expect([...variables.keys()]).toEqual(['x']);
  return variables.get('x')!;
}

describe('readMatFile on real files', () => {
  it('duke attribute structs', () => {
    for (const [name, identities] of [['train', 702], ['test', 1110]] as const) {
      const struct = part(dukeAttributes, 'duke_attribute', name);
      const attributes = struct.fieldNames.filter((field) => field !== 'image_index');
      expect(attributes, name).toHaveLength(23);
      expect(struct.fieldNames, name).toContain('image_index');

      expect(asCell(struct.elements[0].get('image_index')).cells, name).toHaveLength(identities);
      for (const attribute of attributes) expect(struct.elements[0].get(attribute)?.dims, attribute).toEqual([1, identities]);
    }
  });

  it('market attribute structs', () => {
    for (const [name, identities] of [['train', 751], ['test', 750]] as const) {
      const struct = part(marketAttributes, 'market_attribute', name);
      expect(struct.fieldNames, name).toHaveLength(28);
      expect(struct.fieldNames.filter((field) => field !== 'image_index'), name).toHaveLength(27);

      const ids = cellTexts(struct.elements[0].get('image_index'));
      expect(ids, name).toHaveLength(identities);
      for (const id of ids) expect(id).toMatch(/^\d{4}$/);
    }
  });

  it('train and test field orders differ', () => {
    const train = part(dukeAttributes, 'duke_attribute', 'train').fieldNames;
    const test = part(dukeAttributes, 'duke_attribute', 'test').fieldNames;
    expect([...train].sort()).toEqual([...test].sort());
    expect(train).not.toEqual(test);
  });
});

describe('readMatFile round trips', () => {
  it('numeric classes', () => {
    const classes = ['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'] as const;
    for (const className of classes) {
      const value = roundTrip({ kind: 'numeric', className, dims: [2, 3], values: [1, 2, 3, 4, 5, 100] });
      expect(asNumeric(value).className, className).toBe(className);
      expect(Array.from(asNumeric(value).real), className).toEqual([1, 2, 3, 4, 5, 100]);
      expect(value.dims, className).toEqual([2, 3]);
    }
  });

  it('double stored as uint8', () => {
    const value = roundTrip({ kind: 'numeric', className: 'double', dims: [1, 3], values: [0, 1, 255], storedAs: 'uint8' });
    expect(asNumeric(value).className).toBe('double');
    expect(Array.from(asNumeric(value).real)).toEqual([0, 1, 255]);
  });

  it('small element data', () => {
    const value = roundTrip({ kind: 'numeric', className: 'int16', dims: [1, 2], values: [-7, 300] });
    expect(Array.from(asNumeric(value).real)).toEqual([-7, 300]);
  });

  it('complex and logical', () => {
    const complex = roundTrip({ kind: 'numeric', className: 'double', dims: [1, 2], values: [1.5, -2], imaginary: [0.25, 3] });
    expect(Array.from(asNumeric(complex).imaginary ?? [])).toEqual([0.25, 3]);
    const logical = roundTrip({ kind: 'numeric', className: 'uint8', dims: [1, 3], values: [1, 0, 1], logical: true });
    expect(asNumeric(logical).logical).toBe(true);
  });

  it('char cell and struct', () => {
    const value = roundTrip({
      kind: 'struct',
      dims: [1, 2],
      fieldNames: ['label', 'names'],
      elements: [
        { label: { kind: 'char', text: 'first' }, names: { kind: 'cell', dims: [1, 2], cells: [{ kind: 'char', text: '0001' }, { kind: 'char', text: 'é' }] } },
        { label: { kind: 'char', text: '' }, names: { kind: 'cell', dims: [0, 0], cells: [] } },
      ],
    });
    const struct = asStruct(value);
    expect(struct.fieldNames).toEqual(['label', 'names']);
    expect(struct.elements).toHaveLength(2);
    expect(struct.elements[0].get('label')).toMatchObject({ kind: 'char', rows: ['first'] });
    expect(cellTexts(struct.elements[0].get('names'))).toEqual(['0001', 'é']);
    expect(struct.elements[1].get('label')).toMatchObject({ kind: 'char', rows: [''] });
  });

  it('compressed and big-endian', () => {
    const input: MatInput = { kind: 'numeric', className: 'int32', dims: [1, 4], values: [1, -2, 65536, 7] };
    for (const options of [{ compress: true }, { bigEndian: true }, { compress: true, bigEndian: true }]) {
      const value = roundTrip(input, options);
      expect(Array.from(asNumeric(value).real), JSON.stringify(options)).toEqual([1, -2, 65536, 7]);
    }
  });

  it('char matrix rows', () => {
    // A 2 x 3 char array stored column-major: "ab", "cd", "ef" by column gives rows "ace" and "bdf".
    const writer = new ElementWriter(true);
    const flags = writer.numbers('uint32', [4, 0]);
    const body = Buffer.concat([flags, writer.numbers('int32', [2, 3]), writer.element(1, Buffer.from('m')), writer.numbers('uint16', [...'abcdef'].map((c) => c.charCodeAt(0)))]);
    const value = readMatFile(Buffer.concat([matHeader(false), writer.element(14, body)]), 'test.mat').get('m');
    expect(value).toMatchObject({ kind: 'char', rows: ['ace', 'bdf'] });
  });
});

describe('readMatFile on broken files', () => {
  const valid = writeMatFile({ x: { kind: 'numeric', className: 'double', dims: [1, 3], values: [1, 2, 3] } });

  it('missing header', () => {
    expect(() => readMatFile(Buffer.from('not a mat file'), 'a.mat')).toThrow(DatasetFormatError);
    expect(() => readMatFile(Buffer.alloc(0), 'a.mat')).toThrow(/header/);
  });

  it('version 7.3 file', () => {
    const header = Buffer.from(valid);
    header.write('MATLAB 7.3 MAT-file', 0, 'latin1');
    expect(() => readMatFile(header, 'a.mat')).toThrow(NotSupportedError);
  });

  it('bad endian indicator', () => {
    const bytes = Buffer.from(valid);
    bytes.write('XX', 126, 'latin1');
    expect(() => readMatFile(bytes, 'a.mat')).toThrow(/endian indicator "XX"/);
  });

  it('truncated element', () => {
    expect(() => readMatFile(valid.subarray(0, valid.length - 9), 'a.mat')).toThrow(/runs past the end/);
  });

  it('corrupt compressed data', () => {
    const compressed = writeMatFile({ x: { kind: 'char', text: 'hello' } }, { compress: true });
    const broken = Buffer.from(compressed);
    broken.fill(0x55, 136, 150);
    expect(() => readMatFile(broken, 'a.mat')).toThrow(/does not inflate/);
  });

  it('value count disagrees with dimensions', () => {
    const writer = new ElementWriter(true);
    const body = Buffer.concat([writer.numbers('uint32', [6, 0]), writer.numbers('int32', [1, 5]), writer.element(1, Buffer.from('x')), writer.numbers('double', [1, 2])]);
    const bytes = Buffer.concat([matHeader(false), writer.element(14, body)]);
    expect(() => readMatFile(bytes, 'a.mat')).toThrow(/contains 2 values but the dimensions call for 5/);
  });

  it('sparse array', () => {
    const writer = new ElementWriter(true);
    const body = Buffer.concat([writer.numbers('uint32', [5, 1]), writer.numbers('int32', [2, 2]), writer.element(1, Buffer.from('s'))]);
    const bytes = Buffer.concat([matHeader(false), writer.element(14, body)]);
    expect(() => readMatFile(bytes, 'a.mat')).toThrow(/sparse array "s"/);
  });

  it('unexpected top-level element', () => {
    const writer = new ElementWriter(true);
    const bytes = Buffer.concat([matHeader(false), writer.numbers('double', [1, 2])]);
    expect(() => readMatFile(bytes, 'a.mat')).toThrow(/expected a matrix or compressed element/);
  });

  it('compressed element holding no matrix', () => {
    const writer = new ElementWriter(true);
    const bytes = Buffer.concat([matHeader(false), writer.element(15, deflateSync(writer.numbers('double', [1])), false)]);
    expect(() => readMatFile(bytes, 'a.mat')).toThrow(/expected a matrix element/);
  });

  it('deep nesting', () => {
    let value: MatInput = { kind: 'char', text: 'x' };
    for (let i = 0; i < 80; i += 1) value = { kind: 'cell', dims: [1, 1], cells: [value] };
    expect(() => readMatFile(writeMatFile({ x: value }), 'a.mat')).toThrow(/nest deeper/);
  });
});
