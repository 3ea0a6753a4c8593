import { NotSupportedError, ShapeError } from '../../errors';
import { intAttribute, stringAttribute } from '../graph/attributes';
import { normalizeAxis } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode } from './apply';
import type { OpDefinition } from './op-definition';
import { unsqueeze, zerosLike } from './shape-ops';

function requireIndices(opType: string, indices: Tensor): void {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new ShapeError(`${opType}: indices ${indices.name} are ${indices.dtype}; expected int64 or int32.`);
  }
}

/** Takes slices of `data` along `axis` at `indices`; with axis 0 this is an embedding lookup. */
export const gatherDefinition: OpDefinition<{ axis: number }> = {
  type: 'Gather',
  inferOutputs([data, indices], { axis }) {
    requireIndices('Gather', indices!);
    const shape = [...data!.shape.slice(0, axis), ...indices!.shape, ...data!.shape.slice(axis + 1)];
    return [{ dtype: data!.dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Gather', { axis: intAttribute(context.attributes.axis) }),
  // Rows picked several times receive the sum of their gradients (scatter-add).
  gradient({ inputs, outputGradients, attributes }) {
    const [data, indices] = inputs as Tensor[];
    if (attributes.axis !== 0) {
      throw new NotSupportedError(`Gather gradient supports axis 0 only but ${data.name} was gathered on axis ${attributes.axis}; transpose the axis to the front first.`);
    }
    const rowIndices = unsqueeze(indices, [indices.rank]);
    return [scatterNdAdd(zerosLike(data), rowIndices, outputGradients[0]!), undefined];
  },
};

/** ScatterND with reduction 'add': data[indices[i]] += updates[i]. Only the gradient to `data` is defined. */
export const scatterNdDefinition: OpDefinition = {
  type: 'ScatterND',
  inferOutputs([data, indices, updates]) {
    requireIndices('ScatterND', indices!);
    const depth = indices!.shape[indices!.rank - 1];
    if (typeof depth !== 'number') throw new ShapeError(`ScatterND: the last dim of ${indices!.name} must be static.`);
    const expected = [...indices!.shape.slice(0, -1), ...data!.shape.slice(depth)];
    if (expected.length !== updates!.rank || expected.some((dim, i) => dim !== updates!.shape[i])) {
      throw new ShapeError(`ScatterND: updates ${updates!.name} have shape [${updates!.shape.join(', ')}]; expected [${expected.join(', ')}].`);
    }
    return [{ dtype: data!.dtype, shape: [...data!.shape] }];
  },
  emit: (context) => emitNode(context, 'ScatterND', { reduction: stringAttribute('add') }),
  gradient({ outputGradients, needsGradient, inputs }) {
    if (needsGradient[2]) {
      throw new NotSupportedError(`ScatterND gradient with respect to updates ${inputs[2]!.name} is not implemented.`);
    }
    return [outputGradients[0], undefined, undefined];
  },
};

export function gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
  return applyOp(gatherDefinition, [data, indices], { axis: normalizeAxis(axis, data.rank, 'Gather') })[0];
}

export function scatterNdAdd(data: Tensor, indices: Tensor, updates: Tensor): Tensor {
  return applyOp(scatterNdDefinition, [data, indices, updates], {})[0];
}
