import protobuf from 'protobufjs/minimal.js';

/**
 * A minimal ONNX model serialiser for the small graphs built here at run
 * time. Field numbers and enum values follow onnx/onnx.proto (IR version 7).
 */

export const elementType = { float: 1, int64: 7 } as const;

export type AttributeSpec = { name: string; float: number } | { name: string; int: number } | { name: string; ints: number[] };

export interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: AttributeSpec[];
}

export interface ValueSpec {
  name: string;
  type: (typeof elementType)[keyof typeof elementType];
  /** Symbolic dimension names, or fixed sizes. */
  shape: (string | number)[];
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  /** Float tensors of shape [values.length]. */
  initializers: { name: string; values: number[] }[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
}

const wireVarint = 0;
const wireFixed32 = 5;
const wireBytes = 2;
const attributeType = { float: 1, int: 2, ints: 7 } as const;

type Writer = protobuf.Writer;

export function serializeModel(graph: GraphSpec, opsetVersion: number): Uint8Array {
  const graphWriter = protobuf.Writer.create();
  for (const node of graph.nodes) writeMessage(graphWriter, 1, nodeMessage(node));
  writeString(graphWriter, 2, graph.name);
  for (const initializer of graph.initializers) writeMessage(graphWriter, 5, floatTensor(initializer.name, initializer.values));
  for (const input of graph.inputs) writeMessage(graphWriter, 11, valueInfo(input));
  for (const output of graph.outputs) writeMessage(graphWriter, 12, valueInfo(output));

  const opset = protobuf.Writer.create();
  writeString(opset, 1, '');
  opset.uint32(tag(2, wireVarint)).int64(opsetVersion);

  const model = protobuf.Writer.create();
  model.uint32(tag(1, wireVarint)).int64(7);
  writeString(model, 2, 'mpreid-retrieval');
  writeMessage(model, 7, graphWriter);
  writeMessage(model, 8, opset);
  return model.finish();
}

function nodeMessage(node: NodeSpec): Writer {
  const writer = protobuf.Writer.create();
  for (const input of node.inputs) writeString(writer, 1, input);
  for (const output of node.outputs) writeString(writer, 2, output);
  writeString(writer, 3, node.name);
  writeString(writer, 4, node.opType);
  for (const attribute of node.attributes ?? []) writeMessage(writer, 5, attributeMessage(attribute));
  return writer;
}

function attributeMessage(attribute: AttributeSpec): Writer {
  const writer = protobuf.Writer.create();
  writeString(writer, 1, attribute.name);
  if ('float' in attribute) {
    writer.uint32(tag(2, wireFixed32)).float(attribute.float);
    writer.uint32(tag(20, wireVarint)).int32(attributeType.float);
  } else if ('int' in attribute) {
    writer.uint32(tag(3, wireVarint)).int64(attribute.int);
    writer.uint32(tag(20, wireVarint)).int32(attributeType.int);
  } else {
    for (const value of attribute.ints) writer.uint32(tag(8, wireVarint)).int64(value);
    writer.uint32(tag(20, wireVarint)).int32(attributeType.ints);
  }
  return writer;
}

function floatTensor(name: string, values: number[]): Writer {
  const writer = protobuf.Writer.create();
  writer.uint32(tag(1, wireVarint)).int64(values.length);
  writer.uint32(tag(2, wireVarint)).int32(elementType.float);
  writer.uint32(tag(4, wireBytes)).fork();
  for (const value of values) writer.float(value);
  writer.ldelim();
  writeString(writer, 8, name);
  return writer;
}

function valueInfo(value: ValueSpec): Writer {
  const shape = protobuf.Writer.create();
  for (const size of value.shape) {
    const dimension = protobuf.Writer.create();
    if (typeof size === 'number') dimension.uint32(tag(1, wireVarint)).int64(size);
    else writeString(dimension, 2, size);
    writeMessage(shape, 1, dimension);
  }

  const tensorType = protobuf.Writer.create();
  tensorType.uint32(tag(1, wireVarint)).int32(value.type);
  writeMessage(tensorType, 2, shape);

  const type = protobuf.Writer.create();
  writeMessage(type, 1, tensorType);

  const info = protobuf.Writer.create();
  writeString(info, 1, value.name);
  writeMessage(info, 2, type);
  return info;
}

function tag(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

function writeString(writer: Writer, field: number, value: string): void {
  writer.uint32(tag(field, wireBytes)).string(value);
}

function writeMessage(writer: Writer, field: number, message: Writer): void {
  writer.uint32(tag(field, wireBytes)).bytes(message.finish());
}
