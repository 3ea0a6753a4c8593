import { ShapeError, ValidationError } from '../../errors';
import type { DataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import type { EmitContext, OpDefinition } from './op-definition';

/**
 * Applies an op: infers its outputs, emits its nodes and records it on the
 * graph's tape for the autodiff. All tensor inputs must belong to one graph.
 */
export function applyOp<Attributes>(definition: OpDefinition<Attributes>, inputs: readonly (Tensor | undefined)[], attributes: Attributes): Tensor[] {
  const graph = graphOf(definition.type, inputs);
  const specs = definition.inferOutputs(inputs, attributes);

  const nodeName = graph.nextNodeName(definition.type);
  const outputs = specs.map((spec, i) => graph.createComputedTensor(`${nodeName.split('/').pop()}:${i}`, spec.dtype, spec.shape));

  definition.emit({ graph, inputs, outputs, attributes });
  graph.tape.push({ opType: definition.type, inputs, outputs, attributes });
  return outputs;
}

function graphOf(opType: string, inputs: readonly (Tensor | undefined)[]): GraphBuilder {
  const first = inputs.find((input) => input !== undefined);
  if (!first) throw new ValidationError(`${opType} was called without any tensor input.`);

  for (const input of inputs) {
    if (input && input.graph !== first.graph) {
      throw new ValidationError(`${opType}: input ${input.name} belongs to graph "${input.graph.name}" but ${first.name} to "${first.graph.name}"; build an op from tensors of one graph.`);
    }
  }
  return first.graph;
}

/** Emits one ONNX node of `onnxOpType` that maps the op's inputs to its outputs. */
export function emitNode<Attributes>(context: EmitContext<Attributes>, onnxOpType: string, attributes: Parameters<GraphBuilder['addNode']>[3] = {}): void {
  const inputNames = context.inputs.map((input) => input?.name ?? '');
  while (inputNames.length > 0 && inputNames[inputNames.length - 1] === '') inputNames.pop();
  context.graph.addNode(onnxOpType, inputNames, context.outputs.map((output) => output.name), attributes);
}

/** Throws ShapeError unless every input has the same dtype. */
export function requireSameDtype(opType: string, inputs: readonly (Tensor | undefined)[]): DataType {
  const present = inputs.filter((input): input is Tensor => input !== undefined);
  const dtype = present[0].dtype;
  for (const input of present) {
    if (input.dtype !== dtype) {
      throw new ShapeError(`${opType}: input ${input.name} is ${input.dtype} but ${present[0].name} is ${dtype}; cast one of them first.`);
    }
  }
  return dtype;
}

/** Throws ShapeError unless the tensor has a floating-point dtype. */
export function requireFloat(opType: string, input: Tensor): void {
  if (input.dtype !== 'float32' && input.dtype !== 'float64') {
    throw new ShapeError(`${opType}: input ${input.name} is ${input.dtype}; expected float32 or float64.`);
  }
}

export function requireTensor(opType: string, input: Tensor | undefined, role: string): Tensor {
  if (!input) throw new ValidationError(`${opType}: the ${role} input is missing.`);
  return input;
}
