import { ValidationError } from '../../errors';
import { encodeAttribute } from './attributes';
import { dataTypeCodes, rawBytes, type AnyTypedArray } from './dtype';
import { opsetVersion, type GraphBuilder, type RawNode } from './graph-builder';
import { encodeModelProto, type ModelProtoJson, type TensorProtoJson, type ValueInfoProtoJson } from './onnx-proto';
import type { Tensor } from './tensor';

/** ONNX IR version 8 goes with opset 18 (onnx 1.13). */
const irVersion = 8;

export interface SerializeOptions {
  /**
   * 'inputs' (training step graphs) feeds parameters and buffers at run time;
   * 'initializers' (exported inference models) stores them in the file.
   */
  parameters: 'inputs' | 'initializers';
  /** Trained values by parameter or buffer name; those not listed keep their initial value. */
  parameterValues?: ReadonlyMap<string, Float32Array | Float64Array>;
  metadata?: Record<string, string>;
}

/**
 * Writes the graph as ModelProto bytes. Only nodes that the declared outputs
 * depend on are kept, and only the inputs those nodes read.
 */
export function serializeGraph(graph: GraphBuilder, options: SerializeOptions): Uint8Array {
  return encodeModelProto(buildModelProto(graph, options));
}

export function buildModelProto(graph: GraphBuilder, options: SerializeOptions): ModelProtoJson {
  if (graph.outputs.length === 0) {
    throw new ValidationError(`Graph "${graph.name}" has no outputs; call output() on the tensors the model should return.`);
  }
  const nodes = pruneNodes(graph.nodes, graph.outputs.map((output) => output.name));
  const used = usedNames(nodes, graph.outputs.map((output) => output.name));

  const inputs = graph.inputs.filter((tensor) => used.has(tensor.name)).map(valueInfo);
  const initializers = graph.initializers.filter(({ tensor }) => used.has(tensor.name)).map(({ tensor, data }) => tensorProto(tensor, data));

  for (const state of [...graph.parameters, ...graph.buffers]) {
    if (!used.has(state.tensor.name)) continue;
    if (options.parameters === 'inputs') {
      inputs.push(valueInfo(state.tensor));
    } else {
      const value = options.parameterValues?.get(state.tensor.name) ?? state.initialValue;
      initializers.push(tensorProto(state.tensor, value));
    }
  }

  return {
    ir_version: irVersion,
    producer_name: 'mpreid-workstation',
    producer_version: '0.1.0',
    opset_import: [{ domain: '', version: opsetVersion }],
    graph: {
      name: graph.name,
      node: nodes.map(nodeProto),
      initializer: initializers,
      input: inputs,
      output: graph.outputs.map(({ name, tensor }) => valueInfo({ ...tensor, name } as Tensor)),
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

/** Keeps the nodes reachable backwards from `outputNames`, in their original (topological) order. */
function pruneNodes(nodes: readonly RawNode[], outputNames: readonly string[]): RawNode[] {
  const needed = new Set(outputNames);
  const keep: boolean[] = new Array(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!node.outputs.some((name) => needed.has(name))) continue;
    keep[i] = true;
    for (const input of node.inputs) if (input !== '') needed.add(input);
  }
  return nodes.filter((_, i) => keep[i]);
}

function usedNames(nodes: readonly RawNode[], outputNames: readonly string[]): Set<string> {
  const used = new Set(outputNames);
  for (const node of nodes) for (const input of node.inputs) used.add(input);
  return used;
}

function nodeProto(node: RawNode): ModelProtoJson['graph']['node'][number] {
  return {
    name: node.name,
    op_type: node.opType,
    domain: node.domain,
    input: node.inputs,
    output: node.outputs,
    attribute: Object.entries(node.attributes).map(([name, value]) => encodeAttribute(name, value)),
  };
}

function valueInfo(tensor: Tensor): ValueInfoProtoJson {
  return {
    name: tensor.name,
    type: {
      tensor_type: {
        elem_type: dataTypeCodes[tensor.dtype],
        shape: { dim: tensor.shape.map((dim) => (typeof dim === 'number' ? { dim_value: dim } : { dim_param: dim })) },
      },
    },
  };
}

function tensorProto(tensor: Tensor, data: AnyTypedArray): TensorProtoJson {
  return {
    name: tensor.name,
    dims: tensor.shape.map(Number),
    data_type: dataTypeCodes[tensor.dtype],
    raw_data: rawBytes(data),
  };
}
