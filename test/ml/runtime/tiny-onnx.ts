import protobuf from 'protobufjs';

/*
 * Writes small ONNX models for tests, with protobufjs and the field numbers of
 * onnx.proto, so that tests need no downloaded model besides OSNet.
 */

const fields = (entries: Record<string, [number, string, 'repeated'?]>) =>
  Object.fromEntries(Object.entries(entries).map(([name, [id, type, rule]]) => [name, rule ? { id, type, rule } : { id, type }]));

const onnxRoot = protobuf.Root.fromJSON({
  nested: {
    ModelProto: { fields: fields({ irVersion: [1, 'int64'], producerName: [2, 'string'], graph: [7, 'GraphProto'], opsetImport: [8, 'OperatorSetIdProto', 'repeated'] }) },
    OperatorSetIdProto: { fields: fields({ domain: [1, 'string'], version: [2, 'int64'] }) },
    GraphProto: {
      fields: fields({
        node: [1, 'NodeProto', 'repeated'],
        name: [2, 'string'],
        initializer: [5, 'TensorProto', 'repeated'],
        input: [11, 'ValueInfoProto', 'repeated'],
        output: [12, 'ValueInfoProto', 'repeated'],
      }),
    },
    NodeProto: {
      fields: fields({ input: [1, 'string', 'repeated'], output: [2, 'string', 'repeated'], name: [3, 'string'], opType: [4, 'string'], attribute: [5, 'AttributeProto', 'repeated'] }),
    },
    AttributeProto: { fields: fields({ name: [1, 'string'], f: [2, 'float'], i: [3, 'int64'], ints: [8, 'int64', 'repeated'], type: [20, 'int32'] }) },
    TensorProto: {
      fields: fields({ dims: [1, 'int64', 'repeated'], dataType: [2, 'int32'], floatData: [4, 'float', 'repeated'], name: [8, 'string'], rawData: [9, 'bytes'] }),
    },
    ValueInfoProto: { fields: fields({ name: [1, 'string'], type: [2, 'TypeProto'] }) },
    TypeProto: { fields: fields({ tensorType: [1, 'TensorTypeProto'] }) },
    TensorTypeProto: { fields: fields({ elemType: [1, 'int32'], shape: [2, 'TensorShapeProto'] }) },
    TensorShapeProto: { fields: fields({ dim: [1, 'Dimension', 'repeated'] }) },
    Dimension: { fields: fields({ dimValue: [1, 'int64'], dimParam: [2, 'string'] }) },
  },
});

/** TensorProto.DataType and AttributeProto.AttributeType values from onnx.proto. */
const dataTypes = { float32: 1, int64: 7 } as const;
const attributeTypes = { float: 1, int: 2, ints: 7 } as const;

export type Dim = number | string;

export interface TinyTensor {
  name: string;
  dims: number[];
  type: 'float32' | 'int64';
  values: number[];
  /** Where float32 values go: raw_data (the default) or the float_data field. */
  encoding?: 'raw' | 'floatData';
}

export type TinyAttribute = { name: string; int: number } | { name: string; ints: number[] } | { name: string; float: number };

export interface TinyNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: TinyAttribute[];
}

export interface TinyModel {
  inputs: Array<{ name: string; shape: Dim[] }>;
  outputs: Array<{ name: string; shape: Dim[] }>;
  nodes: TinyNode[];
  initializers?: TinyTensor[];
}

/** Encodes float32 inputs and outputs, opset 13, IR version 7. */
export function encodeTinyModel(model: TinyModel): Uint8Array {
  const message = {
    irVersion: 7,
    producerName: 'mpreid-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: model.nodes.map((node, index) => ({
        name: `node${index}`,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: (node.attributes ?? []).map(encodeAttribute),
      })),
      initializer: (model.initializers ?? []).map(encodeTensor),
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
  };
  const ModelProto = onnxRoot.lookupType('ModelProto');
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}

function valueInfo(value: { name: string; shape: Dim[] }) {
  const dim = value.shape.map((size) => (typeof size === 'number' ? { dimValue: size } : { dimParam: size }));
  return { name: value.name, type: { tensorType: { elemType: dataTypes.float32, shape: { dim } } } };
}

function encodeAttribute(attribute: TinyAttribute) {
  if ('int' in attribute) return { name: attribute.name, type: attributeTypes.int, i: attribute.int };
  if ('ints' in attribute) return { name: attribute.name, type: attributeTypes.ints, ints: attribute.ints };
  return { name: attribute.name, type: attributeTypes.float, f: attribute.float };
}

function encodeTensor(tensor: TinyTensor) {
  const base = { name: tensor.name, dims: tensor.dims, dataType: dataTypes[tensor.type] };
  if (tensor.type === 'int64') {
    return { ...base, rawData: new Uint8Array(BigInt64Array.from(tensor.values, BigInt).buffer) };
  }
  if (tensor.encoding === 'floatData') return { ...base, floatData: tensor.values };
  return { ...base, rawData: new Uint8Array(Float32Array.from(tensor.values).buffer) };
}

/** Encodes a model that flattens its input, enough to test card checks against any declared input shape. */
export function flattenModel(inputName: string, inputShape: Dim[]): Uint8Array {
  const features = inputShape.slice(1).reduce<number>((product, dim) => product * (typeof dim === 'number' ? dim : 1), 1);
  return encodeTinyModel({
    inputs: [{ name: inputName, shape: inputShape }],
    outputs: [{ name: 'output', shape: [inputShape[0], features] }],
    nodes: [{ opType: 'Flatten', inputs: [inputName], outputs: ['output'], attributes: [{ name: 'axis', int: 1 }] }],
  });
}

/**
 * Encodes a model with a symbolic batch whose 4-value feature per image is
 * the mean of each input channel followed by the batch size the image ran
 * in, so a test can see both the preprocessing and the batching.
 */
export function batchProbeModel(height: number, width: number): Uint8Array {
  return encodeTinyModel({
    inputs: [{ name: 'images', shape: ['batch', 3, height, width] }],
    outputs: [{ name: 'features', shape: ['batch', 4] }],
    initializers: [
      { name: 'zeroIndex', dims: [], type: 'int64', values: [0] },
      { name: 'sliceStart', dims: [1], type: 'int64', values: [0] },
      { name: 'sliceEnd', dims: [1], type: 'int64', values: [1] },
      { name: 'sliceAxis', dims: [1], type: 'int64', values: [1] },
      { name: 'zero', dims: [], type: 'float32', values: [0] },
    ],
    nodes: [
      { opType: 'GlobalAveragePool', inputs: ['images'], outputs: ['pooled'] },
      { opType: 'Flatten', inputs: ['pooled'], outputs: ['channelMeans'], attributes: [{ name: 'axis', int: 1 }] },
      { opType: 'Shape', inputs: ['images'], outputs: ['inputShape'] },
      { opType: 'Gather', inputs: ['inputShape', 'zeroIndex'], outputs: ['batchSize'], attributes: [{ name: 'axis', int: 0 }] },
      { opType: 'Cast', inputs: ['batchSize'], outputs: ['batchSizeFloat'], attributes: [{ name: 'to', int: dataTypes.float32 }] },
      { opType: 'Slice', inputs: ['channelMeans', 'sliceStart', 'sliceEnd', 'sliceAxis'], outputs: ['firstColumn'] },
      { opType: 'Mul', inputs: ['firstColumn', 'zero'], outputs: ['zeroColumn'] },
      { opType: 'Add', inputs: ['zeroColumn', 'batchSizeFloat'], outputs: ['batchColumn'] },
      { opType: 'Concat', inputs: ['channelMeans', 'batchColumn'], outputs: ['features'], attributes: [{ name: 'axis', int: 1 }] },
    ],
  });
}

/** Encodes a model computing `output = input + weight`, to show what loading did to the weight values. */
export function addWeightModel(weight: number[], encoding: 'raw' | 'floatData'): Uint8Array {
  return encodeTinyModel({
    inputs: [{ name: 'input', shape: [1, weight.length] }],
    outputs: [{ name: 'output', shape: [1, weight.length] }],
    initializers: [{ name: 'weight', dims: [1, weight.length], type: 'float32', values: weight, encoding }],
    nodes: [{ opType: 'Add', inputs: ['input', 'weight'], outputs: ['output'] }],
  });
}
