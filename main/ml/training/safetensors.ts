import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { DatasetFormatError, ValidationError } from '../../errors';

/**
 * Reader and writer for the safetensors format. A file starts with an
 * 8-byte little-endian header length and a JSON header. The header maps each
 * tensor name to its dtype, shape and [begin, end) byte offsets into the data
 * section, and "__metadata__" to a map of strings. The raw little-endian
 * data follows.
 */

export type SafetensorsDtype = 'F32' | 'F64' | 'I64';

export type SafetensorsData = Float32Array | Float64Array | BigInt64Array;

export interface NamedTensor {
  name: string;
  shape: number[];
  data: SafetensorsData;
}

export interface SafetensorsFile {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data_offsets: [number, number];
}

function dtypeOf(data: SafetensorsData): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  return 'I64';
}

/** Encodes tensors and string metadata to safetensors bytes; tensors keep the given order. */
export function encodeSafetensors({ tensors, metadata }: SafetensorsFile): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const expected = tensor.shape.reduce((product, dim) => product * dim, 1);
    if (expected !== tensor.data.length) {
      throw new ValidationError(`Tensor "${tensor.name}" has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${expected}.`);
    }
    header[tensor.name] = { dtype: dtypeOf(tensor.data), shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }

  // The header is padded with spaces to a multiple of 8 bytes so the data section stays aligned.
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (Buffer.byteLength(headerText) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');

  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    bytes.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), position);
    position += tensor.data.byteLength;
  }
  return bytes;
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  if (bytes.length < 8) throw new DatasetFormatError(`${source} is ${bytes.length} bytes long; a safetensors file starts with an 8-byte header length.`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new DatasetFormatError(`${source} declares a ${headerLength}-byte header but has only ${bytes.length - 8} bytes after the length; the file is truncated.`);
  }
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as Record<string, HeaderEntry>;
  const dataStart = 8 + headerLength;

  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  const tensors = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, entry]) => ({ name, shape: entry.shape, data: readTensorData(bytes, dataStart, name, entry, source) }));
  return { tensors, metadata };
}

function readTensorData(bytes: Uint8Array, dataStart: number, name: string, entry: HeaderEntry, source: string): SafetensorsData {
  const [begin, end] = entry.data_offsets;
  if (dataStart + end > bytes.length || begin > end) {
    throw new DatasetFormatError(`${source}: tensor "${name}" claims bytes [${begin}, ${end}) beyond the file's data section; the file is truncated or corrupt.`);
  }
  // Copy into a fresh aligned buffer: offsets in the file need not be multiples of 8.
  // (Buffer's slice() would share memory, so copy through the Uint8Array constructor.)
  const slice = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(slice.buffer);
    case 'F64':
      return new Float64Array(slice.buffer);
    case 'I64':
      return new BigInt64Array(slice.buffer);
    default:
      throw new DatasetFormatError(`${source}: tensor "${name}" has dtype ${String(entry.dtype)}; this reader supports F32, F64 and I64.`);
  }
}

/** Writes atomically: to a temporary file, then renamed over `path`, so a crash never leaves half a checkpoint. */
export async function writeSafetensors(path: string, file: SafetensorsFile): Promise<void> {
  const temporary = `${path}.partial`;
  await writeFile(temporary, encodeSafetensors(file));
  await rename(temporary, path);
}

export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  return decodeSafetensors(await readFile(path), path);
}

/** Reads only the header's metadata, without loading tensor data. */
export async function readSafetensorsMetadata(path: string): Promise<Record<string, string>> {
  const handle = await open(path, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    await handle.read(lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    const headerBytes = Buffer.alloc(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    return (JSON.parse(headerBytes.toString('utf8')).__metadata__ ?? {}) as Record<string, string>;
  } finally {
    await handle.close();
  }
}
