import { DatasetFormatError } from '../../errors';

/**
 * Data element tags and typed data of MATLAB level 5 MAT-files, as laid out in
 * MathWorks' "MAT-File Format" (version 7 and earlier). Each element starts
 * with an 8-byte tag of data type and byte count. Data of up to 4 bytes may use
 * the small element format instead, with both packed into the first 4 bytes.
 */

export const dataTypes = {
  int8: 1,
  uint8: 2,
  int16: 3,
  uint16: 4,
  int32: 5,
  uint32: 6,
  single: 7,
  double: 9,
  int64: 12,
  uint64: 13,
  matrix: 14,
  compressed: 15,
  utf8: 16,
  utf16: 17,
  utf32: 18,
} as const;

const dataTypeNames = new Map<number, string>(Object.entries(dataTypes).map(([name, code]) => [code, name]));

/** Bytes per value of the numeric data types. */
const numericByteSizes = new Map<number, number>([
  [dataTypes.int8, 1],
  [dataTypes.uint8, 1],
  [dataTypes.int16, 2],
  [dataTypes.uint16, 2],
  [dataTypes.int32, 4],
  [dataTypes.uint32, 4],
  [dataTypes.single, 4],
  [dataTypes.double, 8],
  [dataTypes.int64, 8],
  [dataTypes.uint64, 8],
]);

export function dataTypeName(type: number): string {
  return dataTypeNames.get(type) ?? `unknown type ${type}`;
}

/** Byte buffer of one MAT-file (or of one decompressed element) with its byte order. */
export interface MatSource {
  bytes: Buffer;
  view: DataView;
  littleEndian: boolean;
  /** File name and, for decompressed data, the offset of the compressed element: used in error messages. */
  label: string;
}

export interface ElementTag {
  type: number;
  byteCount: number;
  /** Offset of the element's data. */
  dataOffset: number;
  /** Offset of the next element: data rounded up to 8 bytes, except compressed data, which is never padded. */
  nextOffset: number;
}

export function createSource(bytes: Buffer, littleEndian: boolean, label: string): MatSource {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), littleEndian, label };
}

export function formatError(source: MatSource, offset: number, problem: string): DatasetFormatError {
  return new DatasetFormatError(`${source.label} is not a valid MATLAB v5 MAT-file: ${problem} at byte ${offset}. Save it again from MATLAB with -v7 or -v6.`);
}

/** Reads the tag at `offset`; the element must end at or before `end`. */
export function readTag(source: MatSource, offset: number, end: number): ElementTag {
  if (offset + 8 > end) throw formatError(source, offset, 'truncated data element tag');

  const first = source.view.getUint32(offset, source.littleEndian);
  const smallByteCount = first >>> 16;
  if (smallByteCount !== 0) {
    if (smallByteCount > 4) throw formatError(source, offset, `small data element claims ${smallByteCount} bytes, more than 4`);
    return { type: first & 0xffff, byteCount: smallByteCount, dataOffset: offset + 4, nextOffset: offset + 8 };
  }

  const byteCount = source.view.getUint32(offset + 4, source.littleEndian);
  const dataOffset = offset + 8;
  const padded = first === dataTypes.compressed ? byteCount : Math.ceil(byteCount / 8) * 8;
  if (dataOffset + byteCount > end) {
    throw formatError(source, offset, `${dataTypeName(first)} element of ${byteCount} bytes runs past the end of its container`);
  }
  return { type: first, byteCount, dataOffset, nextOffset: Math.min(dataOffset + padded, end) };
}

/** Converts a numeric element's data to doubles. */
export function readNumbers(source: MatSource, tag: ElementTag): Float64Array {
  const size = numericByteSizes.get(tag.type);
  if (size === undefined) throw formatError(source, tag.dataOffset - 8, `expected numeric data, found ${dataTypeName(tag.type)}`);
  if (tag.byteCount % size !== 0) {
    throw formatError(source, tag.dataOffset, `${tag.byteCount} bytes of ${dataTypeName(tag.type)} is not a whole number of values`);
  }

  const count = tag.byteCount / size;
  const values = new Float64Array(count);
  const read = numberReader(source, tag.type);
  for (let i = 0; i < count; i += 1) values[i] = read(tag.dataOffset + i * size);
  return values;
}

function numberReader(source: MatSource, type: number): (offset: number) => number {
  const { view, littleEndian } = source;
  switch (type) {
    case dataTypes.int8:
      return (offset) => view.getInt8(offset);
    case dataTypes.uint8:
      return (offset) => view.getUint8(offset);
    case dataTypes.int16:
      return (offset) => view.getInt16(offset, littleEndian);
    case dataTypes.uint16:
      return (offset) => view.getUint16(offset, littleEndian);
    case dataTypes.int32:
      return (offset) => view.getInt32(offset, littleEndian);
    case dataTypes.uint32:
      return (offset) => view.getUint32(offset, littleEndian);
    case dataTypes.single:
      return (offset) => view.getFloat32(offset, littleEndian);
    case dataTypes.double:
      return (offset) => view.getFloat64(offset, littleEndian);
    // NOTE: 64-bit integers past 2^53 lose precision as doubles; attribute codes never come near.
    case dataTypes.int64:
      return (offset) => Number(view.getBigInt64(offset, littleEndian));
    default:
      return (offset) => Number(view.getBigUint64(offset, littleEndian));
  }
}

/** Decodes character data to one string per character (code point), in the file's column-major order. */
export function readCharacters(source: MatSource, tag: ElementTag): string[] {
  const data = source.bytes.subarray(tag.dataOffset, tag.dataOffset + tag.byteCount);
  switch (tag.type) {
    case dataTypes.utf8:
      return [...data.toString('utf8')];
    case dataTypes.uint8:
    case dataTypes.int8:
      return [...data.toString('latin1')];
    case dataTypes.uint16:
    case dataTypes.utf16:
      // MATLAB stores char arrays as UTF-16 code units; each unit is one element of the array.
      return Array.from(readNumbers(source, { ...tag, type: dataTypes.uint16 }), (code) => String.fromCharCode(code));
    case dataTypes.utf32:
    case dataTypes.uint32:
      return Array.from(readNumbers(source, { ...tag, type: dataTypes.uint32 }), (code) => {
        if (code > 0x10ffff) throw formatError(source, tag.dataOffset, `character code ${code} is not a Unicode code point`);
        return String.fromCodePoint(code);
      });
    default:
      throw formatError(source, tag.dataOffset - 8, `expected character data, found ${dataTypeName(tag.type)}`);
  }
}
