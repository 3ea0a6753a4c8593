import { ShapeError } from '../../errors';
import { intAttribute } from '../graph/attributes';
import { broadcastShapes } from '../graph/dims';
import { dataTypeCodes, isFloatType, type DataType } from '../graph/dtype';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireSameDtype } from './apply';
import type { Operand } from './elementwise-binary';
import { noGradient, type OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { unbroadcast } from './unbroadcast';

function comparisonDefinition(type: OpType): OpDefinition {
  return {
    type,
    inferOutputs([a, b]) {
      requireSameDtype(type, [a, b]);
      return [{ dtype: 'bool', shape: broadcastShapes(a!.shape, b!.shape, type) }];
    },
    emit: (context) => emitNode(context, type),
    gradient: noGradient,
  };
}

export const equalDefinition = comparisonDefinition('Equal');
export const lessDefinition = comparisonDefinition('Less');

export const whereDefinition: OpDefinition = {
  type: 'Where',
  inferOutputs([condition, x, y]) {
    if (condition!.dtype !== 'bool') {
      throw new ShapeError(`Where: condition ${condition!.name} is ${condition!.dtype}; expected bool.`);
    }
    const dtype = requireSameDtype('Where', [x, y]);
    const shape = broadcastShapes(broadcastShapes(condition!.shape, x!.shape, 'Where'), y!.shape, 'Where');
    return [{ dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Where'),
  gradient({ inputs, outputGradients, needsGradient }) {
    const [condition, x, y] = inputs as Tensor[];
    const g = outputGradients[0]!;
    return [
      undefined,
      needsGradient[1] ? unbroadcast(where(condition, g, 0), x.shape) : undefined,
      needsGradient[2] ? unbroadcast(where(condition, 0, g), y.shape) : undefined,
    ];
  },
};

export const castDefinition: OpDefinition<{ to: DataType }> = {
  type: 'Cast',
  inferOutputs: ([x], { to }) => [{ dtype: to, shape: [...x!.shape] }],
  emit: (context) => emitNode(context, 'Cast', { to: intAttribute(dataTypeCodes[context.attributes.to]) }),
  gradient({ inputs, outputGradients }) {
    const x = inputs[0]!;
    const g = outputGradients[0];
    if (!g || !isFloatType(x.dtype) || !isFloatType(g.dtype)) return [undefined];
    return [cast(g, x.dtype)];
  },
};

function asTensor(value: Operand, like: Tensor): Tensor {
  return typeof value === 'number' ? like.graph.scalar(value, like.dtype) : value;
}

export const equal = (a: Tensor, b: Operand): Tensor => applyOp(equalDefinition, [a, asTensor(b, a)], {})[0];
export const less = (a: Tensor, b: Operand): Tensor => applyOp(lessDefinition, [a, asTensor(b, a)], {})[0];

/** Elementwise choice: x where condition holds, else y. Numbers take the dtype of the tensor operand. */
export function where(condition: Tensor, x: Operand, y: Operand): Tensor {
  if (typeof x === 'number' && typeof y === 'number') throw new TypeError('where() needs x or y to be a tensor.');
  const reference = typeof x === 'number' ? (y as Tensor) : x;
  return applyOp(whereDefinition, [condition, asTensor(x, reference), asTensor(y, reference)], {})[0];
}

export function cast(x: Tensor, to: DataType): Tensor {
  if (x.dtype === to) return x;
  return applyOp(castDefinition, [x], { to })[0];
}
