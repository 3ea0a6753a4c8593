import { encodeModelProto, type ModelProtoJson, type TensorProtoJson, type ValueInfoProtoJson } from '../../main/ml/graph/onnx-proto';

const float32 = 1;

/**
 * Writes a tiny attribute-recognition ONNX model: the mean of each colour
 * channel over the image, then two heads. `hat` [1, 1] is
 * sigmoid(10 * (red - blue)), so at least as much red as blue means "yes".
 * `colour` [1, 3] is the channel means themselves, so their argmax names the
 * dominant channel. Input `image` is [1, 3, height, width].
 */
export function tinyAttributeModel(height: number, width: number): Uint8Array {
  const model: ModelProtoJson = {
    ir_version: 7,
    producer_name: 'mpreid-test',
    producer_version: '1',
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-attributes',
      node: [
        node('GlobalAveragePool', ['image'], ['pooled']),
        node('Flatten', ['pooled'], ['means']),
        node('MatMul', ['means', 'hat_weight'], ['hat_logit']),
        node('Sigmoid', ['hat_logit'], ['hat']),
        node('MatMul', ['means', 'colour_weight'], ['colour']),
      ],
      initializer: [tensor('hat_weight', [3, 1], [10, 0, -10]), tensor('colour_weight', [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1])],
      input: [valueInfo('image', [1, 3, height, width])],
      output: [valueInfo('hat', [1, 1]), valueInfo('colour', [1, 3])],
    },
    metadata_props: [],
  };
  return encodeModelProto(model);
}

function node(opType: string, input: string[], output: string[]) {
  return { name: `${opType}_${output[0]}`, op_type: opType, input, output, attribute: [] };
}

function tensor(name: string, dims: number[], values: number[]): TensorProtoJson {
  return { name, dims, data_type: float32, raw_data: new Uint8Array(new Float32Array(values).buffer) };
}

function valueInfo(name: string, dims: number[]): ValueInfoProtoJson {
  return { name, type: { tensor_type: { elem_type: float32, shape: { dim: dims.map((dim) => ({ dim_value: dim })) } } } };
}
