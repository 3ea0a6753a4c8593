import { deflateSync } from 'node:zlib';
import type { MatNumericClass } from '../../main/datasets/mat/mat-reader';

/**
 * Minimal MATLAB v5 MAT-file writer for tests: it builds valid files to read
 * back and raw pieces for deliberately broken ones.
 */

export type MatInput =
  | { kind: 'numeric'; className: MatNumericClass; dims: number[]; values: number[]; imaginary?: number[]; logical?: boolean; storedAs?: MatNumericClass }
  | { kind: 'char'; text: string }
  | { kind: 'cell'; dims: number[]; cells: MatInput[] }
  | { kind: 'struct'; dims: number[]; fieldNames: string[]; elements: Record<string, MatInput>[] };

export interface WriteOptions {
  compress?: boolean;
  bigEndian?: boolean;
}

const miTypes: Record<MatNumericClass, { code: number; size: number }> = {
  int8: { code: 1, size: 1 },
  uint8: { code: 2, size: 1 },
  int16: { code: 3, size: 2 },
  uint16: { code: 4, size: 2 },
  int32: { code: 5, size: 4 },
  uint32: { code: 6, size: 4 },
  single: { code: 7, size: 4 },
  double: { code: 9, size: 8 },
  int64: { code: 12, size: 8 },
  uint64: { code: 13, size: 8 },
};

const classCodes: Record<MatNumericClass | 'cell' | 'struct' | 'char', number> = {
  cell: 1,
  struct: 2,
  char: 4,
  double: 6,
  single: 7,
  int8: 8,
  uint8: 9,
  int16: 10,
  uint16: 11,
  int32: 12,
  uint32: 13,
  int64: 14,
  uint64: 15,
};

export function writeMatFile(variables: Record<string, MatInput>, options: WriteOptions = {}): Buffer {
  const writer = new ElementWriter(!options.bigEndian);
  const elements = Object.entries(variables).map(([name, value]) => {
    const matrix = writer.matrix(name, value);
    return options.compress ? writer.element(15, deflateSync(matrix), false) : matrix;
  });
  return Buffer.concat([matHeader(options.bigEndian ?? false), ...elements]);
}

export function matHeader(bigEndian: boolean): Buffer {
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, written by the dataset tests', 0, 'latin1');
  header.fill(0, 116, 124);
  if (bigEndian) header.writeUInt16BE(0x0100, 124);
  else header.writeUInt16LE(0x0100, 124);
  header.write(bigEndian ? 'MI' : 'IM', 126, 'latin1');
  return header;
}

export class ElementWriter {
  constructor(private readonly littleEndian: boolean) {}

  /** Encodes one data element. Data of at most 4 bytes uses the small element format unless `allowSmall` is false. */
  element(type: number, data: Buffer, allowSmall = true): Buffer {
    if (allowSmall && data.length <= 4 && type !== 14 && type !== 15) {
      const out = Buffer.alloc(8);
      this.uint32(out, 0, (data.length << 16) | type);
      data.copy(out, 4);
      return out;
    }
    const padding = type === 15 ? 0 : (8 - (data.length % 8)) % 8;
    const out = Buffer.alloc(8 + data.length + padding);
    this.uint32(out, 0, type);
    this.uint32(out, 4, data.length);
    data.copy(out, 8);
    return out;
  }

  matrix(name: string, value: MatInput): Buffer {
    const body = Buffer.concat([this.flags(value), this.dimensions(value), this.element(1, Buffer.from(name, 'latin1')), ...this.contents(value)]);
    return this.element(14, body);
  }

  numbers(className: MatNumericClass, values: number[]): Buffer {
    const { size } = miTypes[className];
    const out = Buffer.alloc(values.length * size);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    values.forEach((value, i) => writeNumber(view, className, i * size, value, this.littleEndian));
    return this.element(miTypes[className].code, out);
  }

  private uint32(out: Buffer, offset: number, value: number): void {
    if (this.littleEndian) out.writeUInt32LE(value >>> 0, offset);
    else out.writeUInt32BE(value >>> 0, offset);
  }

  private flags(value: MatInput): Buffer {
    const data = Buffer.alloc(8);
    const classCode = value.kind === 'numeric' ? classCodes[value.className] : classCodes[value.kind];
    let flagBits = 0;
    if (value.kind === 'numeric' && value.imaginary) flagBits |= 0x08;
    if (value.kind === 'numeric' && value.logical) flagBits |= 0x02;
    this.uint32(data, 0, classCode | (flagBits << 8));
    return this.element(6, data);
  }

  private dimensions(value: MatInput): Buffer {
    const dims = value.kind === 'char' ? [1, [...value.text].length] : value.dims;
    return this.numbers('int32', dims);
  }

  private contents(value: MatInput): Buffer[] {
    switch (value.kind) {
      case 'numeric': {
        const storedAs = value.storedAs ?? value.className;
        const parts = [this.numbers(storedAs, value.values)];
        if (value.imaginary) parts.push(this.numbers(storedAs, value.imaginary));
        return parts;
      }
      case 'char':
        return [this.numbers('uint16', [...value.text].map((character) => character.charCodeAt(0)))];
      case 'cell':
        return value.cells.map((cell) => this.matrix('', cell));
      case 'struct': {
        const nameLength = Math.max(...value.fieldNames.map((name) => name.length)) + 1;
        const names = Buffer.alloc(nameLength * value.fieldNames.length);
        value.fieldNames.forEach((name, i) => names.write(name, i * nameLength, 'latin1'));
        const fields = value.elements.flatMap((element) => value.fieldNames.map((name) => this.matrix('', element[name])));
        return [this.numbers('int32', [nameLength]), this.element(1, names), ...fields];
      }
    }
  }
}

function writeNumber(view: DataView, className: MatNumericClass, offset: number, value: number, littleEndian: boolean): void {
  switch (className) {
    case 'int8':
      return view.setInt8(offset, value);
    case 'uint8':
      return view.setUint8(offset, value);
    case 'int16':
      return view.setInt16(offset, value, littleEndian);
    case 'uint16':
      return view.setUint16(offset, value, littleEndian);
    case 'int32':
      return view.setInt32(offset, value, littleEndian);
    case 'uint32':
      return view.setUint32(offset, value, littleEndian);
    case 'single':
      return view.setFloat32(offset, value, littleEndian);
    case 'double':
      return view.setFloat64(offset, value, littleEndian);
    case 'int64':
      return view.setBigInt64(offset, BigInt(value), littleEndian);
    case 'uint64':
      return view.setBigUint64(offset, BigInt(value), littleEndian);
  }
}

/** Shorthands for the values an attribute file holds. */
export const mat = {
  row(values: number[], className: MatNumericClass = 'uint8'): MatInput {
    return { kind: 'numeric', className, dims: [1, values.length], values };
  },
  text(text: string): MatInput {
    return { kind: 'char', text };
  },
  cellRow(cells: MatInput[]): MatInput {
    return { kind: 'cell', dims: [1, cells.length], cells };
  },
  struct(fields: Record<string, MatInput>): MatInput {
    return { kind: 'struct', dims: [1, 1], fieldNames: Object.keys(fields), elements: [fields] };
  },
};

/**
 * Builds an attribute part (`train` or `test`): one row of codes per attribute and
 * `image_index` with zero-padded person ids, as in the published files.
 */
export function attributePart(personIds: number[], codes: Record<string, number[]>): MatInput {
  const fields: Record<string, MatInput> = {};
  for (const [name, values] of Object.entries(codes)) fields[name] = mat.row(values);
  fields.image_index = mat.cellRow(personIds.map((personId) => mat.text(String(personId).padStart(4, '0'))));
  return mat.struct(fields);
}
