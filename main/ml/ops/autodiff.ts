import { InternalError, ShapeError, ValidationError } from '../../errors';
import { formatShape, sameShape } from '../graph/dims';
import { isFloatType } from '../graph/dtype';
import type { TapeEntry } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add } from './elementwise-binary';
import type { OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { opDefinitions } from './registry';
import { expandLike, zerosLike } from './shape-ops';

/**
 * Adds the backward graph of `loss` to its graph and returns d(loss)/d(t) for
 * each tensor in `wrt`, in order. The loss must be a float tensor of one
 * element. A tensor the loss does not depend on gets a zero gradient.
 */
export function gradients(loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  validateLoss(loss);
  const graph = loss.graph;
  const tape = graph.tape.slice();

  return graph.scope('gradients', () => {
    const dependsOnWrt = forwardReachable(tape, wrt);
    const accumulated = new Map<string, Tensor[]>();
    accumulated.set(loss.name, [expandLike(graph.scalar(1, loss.dtype), loss)]);

    for (let i = tape.length - 1; i >= 0; i--) {
      propagate(tape[i], accumulated, dependsOnWrt);
    }
    return wrt.map((tensor) => sumGradients(accumulated.get(tensor.name)) ?? zerosLike(tensor));
  });
}

function validateLoss(loss: Tensor): void {
  if (!isFloatType(loss.dtype)) {
    throw new ValidationError(`The loss ${loss.name} is ${loss.dtype}; expected a float32 or float64 tensor.`);
  }
  if (!loss.shape.every((dim) => dim === 1)) {
    throw new ShapeError(`The loss ${loss.name} has shape ${formatShape(loss.shape)}; expected a single element (reduce it with reduceMean or reduceSum).`);
  }
}

/** Names of tensors computed from any of `wrt`; only these need gradients. */
function forwardReachable(tape: readonly TapeEntry[], wrt: readonly Tensor[]): Set<string> {
  const reachable = new Set(wrt.map((tensor) => tensor.name));
  for (const entry of tape) {
    if (entry.inputs.some((input) => input && reachable.has(input.name))) {
      for (const output of entry.outputs) reachable.add(output.name);
    }
  }
  return reachable;
}

function propagate(entry: TapeEntry, accumulated: Map<string, Tensor[]>, dependsOnWrt: Set<string>): void {
  const outputGradients = entry.outputs.map((output) => sumGradients(accumulated.get(output.name)));
  if (outputGradients.every((gradient) => gradient === undefined)) return;

  const needsGradient = entry.inputs.map((input) => input !== undefined && isFloatType(input.dtype) && dependsOnWrt.has(input.name));
  if (!needsGradient.some(Boolean)) return;

  const definition = opDefinitions[entry.opType as OpType] as OpDefinition<unknown>;
  const inputGradients = definition.gradient({
    graph: entry.outputs[0].graph,
    inputs: entry.inputs,
    outputs: entry.outputs,
    attributes: entry.attributes,
    outputGradients,
    needsGradient,
  });

  entry.inputs.forEach((input, i) => {
    const gradient = inputGradients[i];
    if (!input || !needsGradient[i] || !gradient) return;
    if (!sameShape(gradient.shape, input.shape)) {
      throw new InternalError(`${entry.opType} gradient for ${input.name} has shape ${formatShape(gradient.shape)}; expected ${formatShape(input.shape)}.`);
    }
    const list = accumulated.get(input.name) ?? [];
    list.push(gradient);
    accumulated.set(input.name, list);
  });
}

/** Sums the gradient contributions of one tensor, collapsing the list so each sum is built once. */
function sumGradients(list: Tensor[] | undefined): Tensor | undefined {
  if (!list || list.length === 0) return undefined;
  let total = list[0];
  for (let i = 1; i < list.length; i++) total = add(total, list[i]);
  list.splice(0, list.length, total);
  return total;
}
