/** Element types the graph builder supports, with their TensorProto.DataType codes. */
export const dataTypeCodes = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
} as const;

export type DataType = keyof typeof dataTypeCodes;

export type FloatDataType = 'float32' | 'float64';

export type TypedArrayFor<T extends DataType> = T extends 'float32'
  ? Float32Array
  : T extends 'float64'
    ? Float64Array
    : T extends 'int32'
      ? Int32Array
      : T extends 'int64'
        ? BigInt64Array
        : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export function isFloatType(dtype: DataType): dtype is FloatDataType {
  return dtype === 'float32' || dtype === 'float64';
}

export function bytesPerElement(dtype: DataType): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float64':
    case 'int64':
      return 8;
    case 'bool':
      return 1;
  }
}

/** Allocates a zero-filled typed array of the given element type. */
export function allocateTypedArray(dtype: DataType, length: number): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
}

/** Copies plain numbers into a new typed array of the given element type. */
export function toTypedArray(dtype: DataType, values: ArrayLike<number>): AnyTypedArray {
  const array = allocateTypedArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    if (array instanceof BigInt64Array) {
      array[i] = BigInt(Math.trunc(values[i]));
    } else {
      array[i] = values[i];
    }
  }
  return array;
}

/** The little-endian bytes of a typed array, as TensorProto.raw_data stores them. */
export function rawBytes(array: AnyTypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
