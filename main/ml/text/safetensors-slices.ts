import { open, type FileHandle } from 'node:fs/promises';
import { DatasetFormatError, NotFoundError } from '../../errors';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-float';

/**
 * Reads chosen tensors of a safetensors file as float32 without loading the
 * rest, so a full CLIP checkpoint gives up its text tensors without reading
 * the vision tower. Accepts F32, F16 and BF16 tensors.
 */

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface Float32Tensor {
  data: Float32Array;
  shape: number[];
}

/** Largest header accepted; real headers of CLIP checkpoints are tens of kilobytes. */
const maxHeaderBytes = 100 * 1024 * 1024;

const bytesPerElement: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

export class SafetensorsSlices {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly header: Record<string, HeaderEntry>,
    private readonly dataStart: number,
  ) {}

  static async open(path: string): Promise<SafetensorsSlices> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new NotFoundError(`Cannot open the weights file ${path}: ${(error as Error).message}. Check the path.`, { cause: error });
    }
    try {
      const { header, dataStart } = await readHeader(handle, path);
      return new SafetensorsSlices(handle, path, header, dataStart);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Shape of every tensor, by name. */
  shapes(): Map<string, number[]> {
    return new Map(Object.entries(this.header).map(([name, entry]) => [name, entry.shape]));
  }

  async read(name: string): Promise<Float32Tensor | undefined> {
    const entry = this.header[name];
    if (!entry) return undefined;

    const width = bytesPerElement[entry.dtype];
    if (!width) {
      throw new DatasetFormatError(`Tensor "${name}" in ${this.path} has dtype ${entry.dtype}; the text encoder reads F32, F16 and BF16 weights, so convert the checkpoint to one of those.`);
    }
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((product, dim) => product * dim, 1);
    if (end - begin !== count * width) {
      throw new DatasetFormatError(`Tensor "${name}" in ${this.path} spans ${end - begin} bytes but shape [${entry.shape.join(', ')}] of ${entry.dtype} needs ${count * width}; the file is corrupt.`);
    }

    // A fresh buffer keeps the typed views aligned whatever the offset in the file.
    const bytes = new Uint8Array(end - begin);
    const { bytesRead } = await this.handle.read(bytes, 0, bytes.length, this.dataStart + begin);
    if (bytesRead !== bytes.length) {
      throw new DatasetFormatError(`Tensor "${name}" in ${this.path} ends past the end of the file; the file is truncated.`);
    }
    return { data: toFloat32(entry.dtype, bytes), shape: entry.shape };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function toFloat32(dtype: string, bytes: Uint8Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.buffer);
  const halves = new Uint16Array(bytes.buffer);
  return dtype === 'F16' ? float16ToFloat32(halves) : bfloat16ToFloat32(halves);
}

async function readHeader(handle: FileHandle, path: string): Promise<{ header: Record<string, HeaderEntry>; dataStart: number }> {
  const { size } = await handle.stat();
  const lengthBytes = Buffer.alloc(8);
  await handle.read(lengthBytes, 0, 8, 0);
  const headerLength = Number(lengthBytes.readBigUInt64LE(0));
  if (size < 8 || headerLength > maxHeaderBytes || 8 + headerLength > size) {
    throw new DatasetFormatError(`${path} is not a safetensors file: its first 8 bytes give a header length of ${headerLength} for a file of ${size} bytes.`);
  }

  const headerBytes = Buffer.alloc(headerLength);
  await handle.read(headerBytes, 0, headerLength, 8);
  let parsed: Record<string, HeaderEntry>;
  try {
    parsed = JSON.parse(headerBytes.toString('utf8')) as Record<string, HeaderEntry>;
  } catch (error) {
    throw new DatasetFormatError(`${path} is not a safetensors file: its header is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  delete parsed.__metadata__;
  return { header: parsed, dataStart: 8 + headerLength };
}
