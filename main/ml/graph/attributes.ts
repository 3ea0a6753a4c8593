import { attributeTypes, type AttributeProtoJson } from './onnx-proto';

/** An ONNX node attribute with its wire type spelled out, since JS numbers cannot tell int from float. */
export type AttributeValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'string'; value: string };

export type NodeAttributes = Record<string, AttributeValue>;

export const intAttribute = (value: number): AttributeValue => ({ type: 'int', value });
export const floatAttribute = (value: number): AttributeValue => ({ type: 'float', value });
export const intsAttribute = (value: readonly number[]): AttributeValue => ({ type: 'ints', value });
export const stringAttribute = (value: string): AttributeValue => ({ type: 'string', value });

export function encodeAttribute(name: string, attribute: AttributeValue): AttributeProtoJson {
  switch (attribute.type) {
    case 'int':
      return { name, type: attributeTypes.int, i: attribute.value };
    case 'float':
      return { name, type: attributeTypes.float, f: attribute.value };
    case 'ints':
      return { name, type: attributeTypes.ints, ints: [...attribute.value] };
    case 'floats':
      return { name, type: attributeTypes.floats, floats: [...attribute.value] };
    case 'string':
      return { name, type: attributeTypes.string, s: new TextEncoder().encode(attribute.value) };
  }
}
