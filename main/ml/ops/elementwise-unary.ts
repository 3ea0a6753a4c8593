import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireFloat } from './apply';
import { less, where } from './comparison';
import { div, mul, sub } from './elementwise-binary';
import { emitErfNode } from './erf-node';
import type { OpDefinition } from './op-definition';
import type { OpType } from './op-types';

type UnaryGradient = (x: Tensor, y: Tensor, g: Tensor) => Tensor;

/** Elementwise op on one float tensor; `rule` maps the output gradient to the input gradient. */
function unaryDefinition(type: OpType, rule: UnaryGradient): OpDefinition {
  return {
    type,
    inferOutputs([x]) {
      requireFloat(type, x!);
      return [{ dtype: x!.dtype, shape: [...x!.shape] }];
    },
    emit: (context) => emitNode(context, type),
    gradient: ({ inputs, outputs, outputGradients }) => [rule(inputs[0]!, outputs[0], outputGradients[0]!)],
  };
}

export const negDefinition = unaryDefinition('Neg', (_x, _y, g) => neg(g));

export const expDefinition = unaryDefinition('Exp', (_x, y, g) => mul(g, y));

export const logDefinition = unaryDefinition('Log', (x, _y, g) => div(g, x));

export const sqrtDefinition = unaryDefinition('Sqrt', (_x, y, g) => div(mul(g, 0.5), y));

// d(1/x)/dx = -1/x^2 = -y^2.
export const reciprocalDefinition = unaryDefinition('Reciprocal', (_x, y, g) => neg(mul(g, mul(y, y))));

// The subgradient at 0 is taken as 0, as PyTorch does.
export const reluDefinition = unaryDefinition('Relu', (x, _y, g) => where(less(x.graph.scalar(0, x.dtype), x), g, 0));

export const sigmoidDefinition = unaryDefinition('Sigmoid', (_x, y, g) => mul(g, mul(y, sub(1, y))));

export const tanhDefinition = unaryDefinition('Tanh', (_x, y, g) => mul(g, sub(1, mul(y, y))));

// d erf(x)/dx = 2/sqrt(pi) exp(-x^2).
export const erfDefinition: OpDefinition = {
  ...unaryDefinition('Erf', (x, _y, g) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))),
  emit: ({ graph, inputs, outputs }) => emitErfNode(graph, inputs[0]!.name, outputs[0].name, inputs[0]!.dtype),
};

export const identityDefinition: OpDefinition = {
  type: 'Identity',
  inferOutputs: ([x]) => [{ dtype: x!.dtype, shape: [...x!.shape] }],
  emit: (context) => emitNode(context, 'Identity'),
  gradient: ({ outputGradients }) => [outputGradients[0]],
};

const applyUnary = (definition: OpDefinition, x: Tensor): Tensor => applyOp(definition, [x], {})[0];

export const neg = (x: Tensor): Tensor => applyUnary(negDefinition, x);
export const exp = (x: Tensor): Tensor => applyUnary(expDefinition, x);
export const log = (x: Tensor): Tensor => applyUnary(logDefinition, x);
export const sqrt = (x: Tensor): Tensor => applyUnary(sqrtDefinition, x);
export const reciprocal = (x: Tensor): Tensor => applyUnary(reciprocalDefinition, x);
export const relu = (x: Tensor): Tensor => applyUnary(reluDefinition, x);
export const sigmoid = (x: Tensor): Tensor => applyUnary(sigmoidDefinition, x);
export const tanh = (x: Tensor): Tensor => applyUnary(tanhDefinition, x);
export const erf = (x: Tensor): Tensor => applyUnary(erfDefinition, x);
export const identity = (x: Tensor): Tensor => applyUnary(identityDefinition, x);

/** x * x, written as one Mul so the gradient stays exact at 0. */
export const square = (x: Tensor): Tensor => mul(x, x);

