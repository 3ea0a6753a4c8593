import { Tensor } from 'onnxruntime-node';
import { ShapeError } from '../../errors';

/**
 * A tensor in JavaScript memory, so that callers of the runtime never handle
 * onnxruntime types. Data is row-major and its length equals the product of dims.
 */
export type HostTensor =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] }
  | { type: 'bool'; data: Uint8Array; dims: readonly number[] };

export function float32Tensor(data: Float32Array, dims: readonly number[]): HostTensor {
  checkElementCount('float32', data.length, dims);
  return { type: 'float32', data, dims };
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** Wraps a host tensor without copying its data. */
export function toOrtTensor(tensor: HostTensor): Tensor {
  checkElementCount(tensor.type, tensor.data.length, tensor.dims);
  return new Tensor(tensor.type, tensor.data, tensor.dims);
}

export function fromOrtTensor(name: string, tensor: Tensor): HostTensor {
  const dims = [...tensor.dims];
  switch (tensor.type) {
    case 'float32':
      return { type: 'float32', data: tensor.data as Float32Array, dims };
    case 'int32':
      return { type: 'int32', data: tensor.data as Int32Array, dims };
    case 'int64':
      return { type: 'int64', data: tensor.data as BigInt64Array, dims };
    case 'bool':
      return { type: 'bool', data: tensor.data as Uint8Array, dims };
    default:
      throw new ShapeError(`Output "${name}" has element type ${tensor.type}, but the runtime returns float32, int32, int64 and bool outputs only.`);
  }
}

function checkElementCount(type: string, length: number, dims: readonly number[]): void {
  const expected = elementCount(dims);
  if (length !== expected) {
    throw new ShapeError(`A ${type} tensor of shape [${dims.join(', ')}] needs ${expected} elements, but its data has ${length}.`);
  }
}
