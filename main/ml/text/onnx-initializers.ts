import { readFile } from 'node:fs/promises';
import { DatasetFormatError, NotFoundError } from '../../errors';
import { decodeModelProtoJson } from '../graph/onnx-proto';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-float';
import type { Float32Tensor } from './safetensors-slices';

/** TensorProto.DataType codes of the float types read here. */
const onnxFloat = 1;
const onnxFloat16 = 10;
const onnxDouble = 11;
const onnxBfloat16 = 16;

interface InitializerProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  double_data?: number[];
}

/**
 * Reads the float initializers of an ONNX model by name, converted to float32.
 * NOTE: weights kept in external data files (models over 2 GB) are not read
 * and show up as missing tensors.
 */
export async function readOnnxInitializers(path: string): Promise<Map<string, Float32Tensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new NotFoundError(`Cannot read the weights file ${path}: ${(error as Error).message}. Check the path.`, { cause: error });
  }

  let initializers: InitializerProto[];
  try {
    initializers = (decodeModelProtoJson(bytes).graph?.initializer ?? []) as InitializerProto[];
  } catch (error) {
    throw new DatasetFormatError(`${path} is neither a safetensors file nor an ONNX model (${(error as Error).message}); pick a CLIP text checkpoint in one of those formats.`, { cause: error });
  }

  const tensors = new Map<string, Float32Tensor>();
  for (const initializer of initializers) {
    const data = initializerValues(initializer);
    if (initializer.name && data) tensors.set(initializer.name, { data, shape: (initializer.dims ?? []).map(Number) });
  }
  return tensors;
}

function initializerValues(tensor: InitializerProto): Float32Array | undefined {
  const raw = tensor.raw_data && tensor.raw_data.length > 0 ? new Uint8Array(tensor.raw_data) : undefined;
  switch (tensor.data_type) {
    case onnxFloat:
      return raw ? new Float32Array(raw.buffer) : Float32Array.from(tensor.float_data ?? []);
    case onnxDouble:
      return Float32Array.from(raw ? new Float64Array(raw.buffer) : (tensor.double_data ?? []));
    case onnxFloat16:
    case onnxBfloat16: {
      // Without raw data, each 16-bit value sits in the low half of one int32_data entry.
      const halves = raw ? new Uint16Array(raw.buffer) : Uint16Array.from(tensor.int32_data ?? []);
      return tensor.data_type === onnxFloat16 ? float16ToFloat32(halves) : bfloat16ToFloat32(halves);
    }
    default:
      return undefined;
  }
}
