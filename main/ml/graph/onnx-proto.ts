import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (ONNX IR version 8) that the graph builder writes.
 * Field numbers follow the published onnx.proto, so any ONNX reader accepts
 * the bytes. Messages and fields the builder never sets are left out.
 */
const onnxSubset = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0;
    FLOAT = 1;
    INT = 2;
    STRING = 3;
    TENSOR = 4;
    GRAPH = 5;
    FLOATS = 6;
    INTS = 7;
    STRINGS = 8;
  }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional AttributeType type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  optional string doc_string = 12;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

const root = protobuf.parse(onnxSubset, { keepCase: true }).root;

export const modelProtoType = root.lookupType('onnx.ModelProto');

/** AttributeProto.AttributeType values used by the builder. */
export const attributeTypes = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

/** Plain-object forms of the messages, in the field names of onnx.proto. */
export interface TensorProtoJson {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface AttributeProtoJson {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoJson;
  floats?: number[];
  ints?: number[];
}

export interface NodeProtoJson {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProtoJson[];
}

export interface DimensionJson {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProtoJson {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionJson[] } } };
}

export interface ModelProtoJson {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  opset_import: { domain: string; version: number }[];
  graph: {
    name: string;
    node: NodeProtoJson[];
    initializer: TensorProtoJson[];
    input: ValueInfoProtoJson[];
    output: ValueInfoProtoJson[];
  };
  metadata_props: { key: string; value: string }[];
}

/** Encodes a model to the ModelProto wire format that onnxruntime loads. */
export function encodeModelProto(model: ModelProtoJson): Uint8Array {
  const message = modelProtoType.fromObject(model);
  return modelProtoType.encode(message).finish();
}

/** Decodes ModelProto bytes back to a plain object; used by tests and the exporter's checks. */
export function decodeModelProto(bytes: Uint8Array): Record<string, unknown> {
  const message = modelProtoType.decode(bytes);
  return modelProtoType.toObject(message, { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}

/** Decodes ModelProto bytes to the typed plain form, keeping tensor bytes as Uint8Array, so a model can be edited and encoded again. */
export function decodeModelProtoJson(bytes: Uint8Array): ModelProtoJson {
  const message = modelProtoType.decode(bytes);
  return modelProtoType.toObject(message, { longs: Number, arrays: true }) as ModelProtoJson;
}
