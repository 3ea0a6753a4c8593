import { broadcastShapes } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireSameDtype } from './apply';
import { less, where } from './comparison';
import type { GradientContext, OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { unbroadcast } from './unbroadcast';
import { log, neg } from './elementwise-unary';

type BinaryGradient = (a: Tensor, b: Tensor, y: Tensor, g: Tensor, needs: readonly boolean[]) => [Tensor | undefined, Tensor | undefined];

/** Elementwise op with numpy broadcasting; `rule` returns gradients before un-broadcasting. */
function binaryDefinition(type: OpType, rule: BinaryGradient): OpDefinition {
  return {
    type,
    inferOutputs([a, b]) {
      const dtype = requireSameDtype(type, [a, b]);
      return [{ dtype, shape: broadcastShapes(a!.shape, b!.shape, type) }];
    },
    emit: (context) => emitNode(context, type),
    gradient(context: GradientContext<Record<string, never>>) {
      const [a, b] = context.inputs as Tensor[];
      const g = context.outputGradients[0]!;
      const [ga, gb] = rule(a, b, context.outputs[0], g, context.needsGradient);
      return [ga && unbroadcast(ga, a.shape), gb && unbroadcast(gb, b.shape)];
    },
  };
}

export const addDefinition = binaryDefinition('Add', (_a, _b, _y, g) => [g, g]);

export const subDefinition = binaryDefinition('Sub', (_a, _b, _y, g, needs) => [g, needs[1] ? neg(g) : undefined]);

export const mulDefinition = binaryDefinition('Mul', (a, b, _y, g, needs) => [needs[0] ? mul(g, b) : undefined, needs[1] ? mul(g, a) : undefined]);

// d(a/b)/db = -a/b^2 = -y/b.
export const divDefinition = binaryDefinition('Div', (_a, b, y, g, needs) => [
  needs[0] ? div(g, b) : undefined,
  needs[1] ? neg(div(mul(g, y), b)) : undefined,
]);

// d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a, which is NaN for a <= 0 as in every framework.
export const powDefinition = binaryDefinition('Pow', (a, b, y, g, needs) => [
  needs[0] ? mul(g, mul(b, pow(a, sub(b, 1)))) : undefined,
  needs[1] ? mul(g, mul(y, log(a))) : undefined,
]);

// Ties send the whole gradient to the first input, so it is counted once.
export const maxDefinition = binaryDefinition('Max', (a, b, _y, g, needs) => {
  const bWins = less(a, b);
  return [needs[0] ? where(bWins, 0, g) : undefined, needs[1] ? where(bWins, g, 0) : undefined];
});

export const minDefinition = binaryDefinition('Min', (a, b, _y, g, needs) => {
  const bWins = less(b, a);
  return [needs[0] ? where(bWins, 0, g) : undefined, needs[1] ? where(bWins, g, 0) : undefined];
});

/** A tensor operand, or a number converted to a scalar constant of the other operand's dtype. */
export type Operand = Tensor | number;

function operands(a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError('At least one operand must be a tensor.');
  const left = typeof a === 'number' ? (b as Tensor).graph.scalar(a, (b as Tensor).dtype) : a;
  const right = typeof b === 'number' ? left.graph.scalar(b, left.dtype) : b;
  return [left, right];
}

function applyBinary(definition: OpDefinition, a: Operand, b: Operand): Tensor {
  return applyOp(definition, operands(a, b), {})[0];
}

export const add = (a: Operand, b: Operand): Tensor => applyBinary(addDefinition, a, b);
export const sub = (a: Operand, b: Operand): Tensor => applyBinary(subDefinition, a, b);
export const mul = (a: Operand, b: Operand): Tensor => applyBinary(mulDefinition, a, b);
export const div = (a: Operand, b: Operand): Tensor => applyBinary(divDefinition, a, b);
export const pow = (a: Operand, b: Operand): Tensor => applyBinary(powDefinition, a, b);
/** Elementwise maximum (ONNX Max with two inputs). */
export const maximum = (a: Operand, b: Operand): Tensor => applyBinary(maxDefinition, a, b);
/** Elementwise minimum (ONNX Min with two inputs). */
export const minimum = (a: Operand, b: Operand): Tensor => applyBinary(minDefinition, a, b);
