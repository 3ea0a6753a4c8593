import { inflateSync } from 'node:zlib';
import { DatasetFormatError, NotSupportedError } from '../../errors';
import {
  createSource,
  dataTypeName,
  dataTypes,
  type ElementTag,
  formatError,
  type MatSource,
  readCharacters,
  readNumbers,
  readTag,
} from './mat-elements';

/**
 * Reader for MATLAB level 5 MAT-files (the format of `save -v6` and `-v7`):
 * numeric, logical, char, cell and struct arrays, plain or zlib-compressed.
 * Sparse arrays, objects and v7.3 (HDF5) files are rejected.
 */

export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatValue = MatNumeric | MatChar | MatCell | MatStruct;

export interface MatNumeric {
  kind: 'numeric';
  className: MatNumericClass;
  logical: boolean;
  /** Array dimensions, at least two. Values are in column-major order. */
  dims: number[];
  real: Float64Array;
  imaginary: Float64Array | null;
}

export interface MatChar {
  kind: 'char';
  dims: number[];
  /** One string per row; trailing dimensions past the second are folded into columns. */
  rows: string[];
}

export interface MatCell {
  kind: 'cell';
  dims: number[];
  /** Cells in column-major order. */
  cells: MatValue[];
}

export interface MatStruct {
  kind: 'struct';
  dims: number[];
  fieldNames: string[];
  /** One map per struct element, in column-major order. */
  elements: Map<string, MatValue>[];
}

/** Array classes from the array flags subelement. */
const arrayClasses = new Map<number, MatNumericClass | 'cell' | 'struct' | 'object' | 'char' | 'sparse'>([
  [1, 'cell'],
  [2, 'struct'],
  [3, 'object'],
  [4, 'char'],
  [5, 'sparse'],
  [6, 'double'],
  [7, 'single'],
  [8, 'int8'],
  [9, 'uint8'],
  [10, 'int16'],
  [11, 'uint16'],
  [12, 'int32'],
  [13, 'uint32'],
  [14, 'int64'],
  [15, 'uint64'],
]);

const complexFlag = 0x08;
const logicalFlag = 0x02;
const headerBytes = 128;

/** Nesting depth past which the file is taken as malicious or corrupt instead of overflowing the stack. */
const maxNestingDepth = 64;

/** Parses a MAT-file into its variables, in file order. `label` names the file in error messages. */
export function readMatFile(bytes: Buffer, label: string): Map<string, MatValue> {
  const littleEndian = readHeader(bytes, label);
  const source = createSource(bytes, littleEndian, label);
  const variables = new Map<string, MatValue>();

  let offset = headerBytes;
  // Writers may pad the file end with fewer than 8 bytes; no element fits there.
  while (offset + 8 <= bytes.length) {
    const tag = readTag(source, offset, bytes.length);
    const variable = readTopLevelElement(source, tag);
    if (variable) variables.set(variable.name, variable.value);
    offset = tag.nextOffset;
  }
  return variables;
}

/** Checks the 128-byte header and returns whether the data is little-endian. */
function readHeader(bytes: Buffer, label: string): boolean {
  const text = bytes.toString('latin1', 0, Math.min(116, bytes.length));
  if (text.startsWith('MATLAB 7.3 MAT-file')) {
    throw new NotSupportedError(`${label} is a MATLAB v7.3 (HDF5) file, which this reader does not support. Save it again from MATLAB with -v7.`);
  }
  if (bytes.length < headerBytes || !text.startsWith('MATLAB 5.0 MAT-file')) {
    throw new DatasetFormatError(`${label} is not a MATLAB v5 MAT-file: the 128-byte header starting with "MATLAB 5.0 MAT-file" is missing. Save it from MATLAB with -v7 or -v6.`);
  }

  const endianIndicator = bytes.toString('latin1', 126, 128);
  if (endianIndicator === 'IM') return true;
  if (endianIndicator === 'MI') return false;
  throw new DatasetFormatError(`${label} has endian indicator "${endianIndicator}" in its header, expected "IM" or "MI". The file is corrupt.`);
}

function readTopLevelElement(source: MatSource, tag: ElementTag): { name: string; value: MatValue } | null {
  if (tag.type === dataTypes.matrix) return readMatrix(source, tag, 0);
  if (tag.type !== dataTypes.compressed) {
    throw formatError(source, tag.dataOffset - 8, `expected a matrix or compressed element at the top level, found ${dataTypeName(tag.type)}`);
  }

  let inflated: Buffer;
  try {
    inflated = inflateSync(source.bytes.subarray(tag.dataOffset, tag.dataOffset + tag.byteCount));
  } catch (error) {
    throw formatError(source, tag.dataOffset, `compressed element does not inflate (${(error as Error).message})`);
  }

  const inner = createSource(inflated, source.littleEndian, `${source.label} (compressed element at byte ${tag.dataOffset - 8})`);
  const innerTag = readTag(inner, 0, inflated.length);
  if (innerTag.type !== dataTypes.matrix) throw formatError(inner, 0, `expected a matrix element, found ${dataTypeName(innerTag.type)}`);
  return readMatrix(inner, innerTag, 0);
}

/** Sequential reader over the subelements of one matrix element. */
class SubelementCursor {
  private offset: number;

  constructor(
    readonly source: MatSource,
    start: number,
    private readonly end: number,
  ) {
    this.offset = start;
  }

  next(expected: string): ElementTag {
    if (this.offset >= this.end) throw formatError(this.source, this.offset, `matrix element ends before its ${expected}`);
    const tag = readTag(this.source, this.offset, this.end);
    this.offset = tag.nextOffset;
    return tag;
  }

  hasMore(): boolean {
    return this.offset < this.end;
  }
}

function readMatrix(source: MatSource, tag: ElementTag, depth: number): { name: string; value: MatValue } {
  if (depth > maxNestingDepth) throw formatError(source, tag.dataOffset, `arrays nest deeper than ${maxNestingDepth} levels`);
  // An empty matrix element stands for [] (for example an unset struct field).
  if (tag.byteCount === 0) return { name: '', value: emptyDouble() };

  const cursor = new SubelementCursor(source, tag.dataOffset, tag.dataOffset + tag.byteCount);
  const { arrayClass, flags } = readArrayFlags(cursor);
  const dims = readDimensions(cursor);
  const name = readName(cursor);

  switch (arrayClass) {
    case 'cell':
      return { name, value: readCell(cursor, dims, depth) };
    case 'struct':
      return { name, value: readStruct(cursor, dims, depth) };
    case 'char':
      return { name, value: readChar(cursor, dims) };
    case 'sparse':
    case 'object':
      throw new DatasetFormatError(`${source.label} contains a ${arrayClass} array "${name}", which this reader does not support. Store it as a full numeric, char, cell or struct array.`);
    default:
      return { name, value: readNumeric(cursor, arrayClass, dims, flags) };
  }
}

function emptyDouble(): MatNumeric {
  return { kind: 'numeric', className: 'double', logical: false, dims: [0, 0], real: new Float64Array(0), imaginary: null };
}

function readArrayFlags(cursor: SubelementCursor): { arrayClass: NonNullable<ReturnType<typeof arrayClasses.get>>; flags: number } {
  const tag = cursor.next('array flags');
  if (tag.type !== dataTypes.uint32 || tag.byteCount !== 8) {
    throw formatError(cursor.source, tag.dataOffset, `array flags must be 8 bytes of uint32, found ${tag.byteCount} bytes of ${dataTypeName(tag.type)}`);
  }

  const word = cursor.source.view.getUint32(tag.dataOffset, cursor.source.littleEndian);
  const classCode = word & 0xff;
  const arrayClass = arrayClasses.get(classCode);
  if (arrayClass === undefined) throw formatError(cursor.source, tag.dataOffset, `unsupported array class ${classCode}`);
  return { arrayClass, flags: (word >>> 8) & 0xff };
}

function readDimensions(cursor: SubelementCursor): number[] {
  const tag = cursor.next('dimensions');
  if (tag.type !== dataTypes.int32) throw formatError(cursor.source, tag.dataOffset, `dimensions must be int32, found ${dataTypeName(tag.type)}`);

  const dims = Array.from(readNumbers(cursor.source, tag));
  if (dims.length < 2 || dims.some((size) => size < 0)) {
    throw formatError(cursor.source, tag.dataOffset, `dimensions [${dims.join(', ')}] need at least two non-negative sizes`);
  }
  return dims;
}

function readName(cursor: SubelementCursor): string {
  const tag = cursor.next('array name');
  if (tag.type !== dataTypes.int8) throw formatError(cursor.source, tag.dataOffset, `array name must be int8 text, found ${dataTypeName(tag.type)}`);
  return cursor.source.bytes.toString('latin1', tag.dataOffset, tag.dataOffset + tag.byteCount);
}

function elementCount(dims: number[]): number {
  return dims.reduce((product, size) => product * size, 1);
}

function readNumeric(cursor: SubelementCursor, className: MatNumericClass, dims: number[], flags: number): MatNumeric {
  const count = elementCount(dims);
  const real = readNumberPart(cursor, count, 'real part');
  const imaginary = flags & complexFlag ? readNumberPart(cursor, count, 'imaginary part') : null;
  return { kind: 'numeric', className, logical: (flags & logicalFlag) !== 0, dims, real, imaginary };
}

function readNumberPart(cursor: SubelementCursor, count: number, part: string): Float64Array {
  const tag = cursor.next(part);
  const values = readNumbers(cursor.source, tag);
  if (values.length !== count) {
    throw formatError(cursor.source, tag.dataOffset, `${part} contains ${values.length} values but the dimensions call for ${count}`);
  }
  return values;
}

function readChar(cursor: SubelementCursor, dims: number[]): MatChar {
  const count = elementCount(dims);
  // MATLAB omits the data subelement of an empty char array.
  if (count === 0 && !cursor.hasMore()) return { kind: 'char', dims, rows: [] };

  const tag = cursor.next('character data');
  const characters = readCharacters(cursor.source, tag);
  if (characters.length !== count) {
    throw formatError(cursor.source, tag.dataOffset, `character data contains ${characters.length} characters but the dimensions call for ${count}`);
  }

  const rowCount = dims[0];
  const columnCount = rowCount === 0 ? 0 : count / rowCount;
  const rows: string[] = [];
  for (let row = 0; row < rowCount; row += 1) {
    let text = '';
    for (let column = 0; column < columnCount; column += 1) text += characters[row + column * rowCount];
    rows.push(text);
  }
  return { kind: 'char', dims, rows };
}

function readCell(cursor: SubelementCursor, dims: number[], depth: number): MatCell {
  const cells: MatValue[] = [];
  const count = elementCount(dims);
  for (let i = 0; i < count; i += 1) cells.push(readChildMatrix(cursor, `cell ${i + 1} of ${count}`, depth));
  return { kind: 'cell', dims, cells };
}

function readStruct(cursor: SubelementCursor, dims: number[], depth: number): MatStruct {
  const fieldNames = readFieldNames(cursor);
  const elements: Map<string, MatValue>[] = [];
  const count = elementCount(dims);

  for (let i = 0; i < count; i += 1) {
    const element = new Map<string, MatValue>();
    for (const fieldName of fieldNames) element.set(fieldName, readChildMatrix(cursor, `field ${fieldName} of struct element ${i + 1}`, depth));
    elements.push(element);
  }
  return { kind: 'struct', dims, fieldNames, elements };
}

/** Field names come as one int32 name length, then that many bytes per field, NUL-padded. */
function readFieldNames(cursor: SubelementCursor): string[] {
  const lengthTag = cursor.next('field name length');
  const lengths = readNumbers(cursor.source, lengthTag);
  if (lengthTag.type !== dataTypes.int32 || lengths.length !== 1 || lengths[0] <= 0) {
    throw formatError(cursor.source, lengthTag.dataOffset, 'field name length must be one positive int32');
  }

  const nameLength = lengths[0];
  const namesTag = cursor.next('field names');
  if (namesTag.type !== dataTypes.int8 || namesTag.byteCount % nameLength !== 0) {
    throw formatError(cursor.source, namesTag.dataOffset, `field names must be int8 text in slots of ${nameLength} bytes`);
  }

  const names: string[] = [];
  for (let start = namesTag.dataOffset; start < namesTag.dataOffset + namesTag.byteCount; start += nameLength) {
    const slot = cursor.source.bytes.toString('latin1', start, start + nameLength);
    const end = slot.indexOf('\0');
    names.push(end === -1 ? slot : slot.slice(0, end));
  }
  return names;
}

function readChildMatrix(cursor: SubelementCursor, what: string, depth: number): MatValue {
  const tag = cursor.next(what);
  if (tag.type !== dataTypes.matrix) throw formatError(cursor.source, tag.dataOffset, `${what} must be a matrix element, found ${dataTypeName(tag.type)}`);
  return readMatrix(cursor.source, tag, depth + 1).value;
}
