import { intAttribute } from '../graph/attributes';
import { normalizeAxis } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireFloat } from './apply';
import { mul, sub } from './elementwise-binary';
import { exp } from './elementwise-unary';
import type { OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { reduceSum } from './reduce';

function softmaxFamily(type: OpType, rule: (y: Tensor, g: Tensor, axis: number) => Tensor): OpDefinition<{ axis: number }> {
  return {
    type,
    inferOutputs([x], { axis }) {
      requireFloat(type, x!);
      normalizeAxis(axis, x!.rank, type);
      return [{ dtype: x!.dtype, shape: [...x!.shape] }];
    },
    emit: (context) => emitNode(context, type, { axis: intAttribute(context.attributes.axis) }),
    gradient: ({ outputs, outputGradients, attributes }) => [rule(outputs[0], outputGradients[0]!, attributes.axis)],
  };
}

// dx = y * (g - sum(g * y)).
export const softmaxDefinition = softmaxFamily('Softmax', (y, g, axis) => mul(y, sub(g, reduceSum(mul(g, y), [axis], true))));

// dx = g - softmax(x) * sum(g), with softmax(x) = exp(y).
export const logSoftmaxDefinition = softmaxFamily('LogSoftmax', (y, g, axis) => sub(g, mul(exp(y), reduceSum(g, [axis], true))));

export function softmax(x: Tensor, axis = -1): Tensor {
  return applyOp(softmaxDefinition, [x], { axis: normalizeAxis(axis, x.rank, 'Softmax') })[0];
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return applyOp(logSoftmaxDefinition, [x], { axis: normalizeAxis(axis, x.rank, 'LogSoftmax') })[0];
}
