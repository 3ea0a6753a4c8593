import { NotSupportedError, ShapeError } from '../../errors';
import { intsAttribute } from '../graph/attributes';
import { broadcastShapes, divideDims, formatShape, isStaticShape, multiplyDims, normalizeAxis, type Dim } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode } from './apply';
import { noGradient, type OpDefinition } from './op-definition';
import { unbroadcast } from './unbroadcast';

export const transposeDefinition: OpDefinition<{ perm: number[] }> = {
  type: 'Transpose',
  inferOutputs([x], { perm }) {
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x!.rank || sorted.some((axis, i) => axis !== i)) {
      throw new ShapeError(`Transpose: perm [${perm.join(', ')}] is not a permutation of the ${x!.rank} axes of ${x!.name}.`);
    }
    return [{ dtype: x!.dtype, shape: perm.map((axis) => x!.shape[axis]) }];
  },
  emit: (context) => emitNode(context, 'Transpose', { perm: intsAttribute(context.attributes.perm) }),
  gradient({ outputGradients, attributes }) {
    const inverse: number[] = [];
    attributes.perm.forEach((axis, i) => (inverse[axis] = i));
    return [transpose(outputGradients[0]!, inverse), undefined];
  },
};

/** The build-time output shape travels as an attribute; the ONNX node reads the int64 shape input. */
export const reshapeDefinition: OpDefinition<{ shape: Dim[] }> = {
  type: 'Reshape',
  inferOutputs([x], { shape }) {
    const before = multiplyDims(x!.shape);
    const after = multiplyDims(shape);
    if (before !== after) {
      throw new ShapeError(`Reshape: cannot reshape ${x!.name} of shape ${formatShape(x!.shape)} (${before} elements) to ${formatShape(shape)} (${after} elements).`);
    }
    return [{ dtype: x!.dtype, shape: [...shape] }];
  },
  emit: (context) => emitNode(context, 'Reshape'),
  gradient: ({ inputs, outputGradients }) => [reshapeLike(outputGradients[0]!, inputs[0]!), undefined],
};

export const expandDefinition: OpDefinition<{ shape: Dim[] }> = {
  type: 'Expand',
  inferOutputs: ([x], { shape }) => [{ dtype: x!.dtype, shape: broadcastShapes(x!.shape, shape, 'Expand') }],
  emit: (context) => emitNode(context, 'Expand'),
  gradient: ({ inputs, outputGradients }) => [unbroadcast(outputGradients[0]!, inputs[0]!.shape), undefined],
};

export const unsqueezeDefinition: OpDefinition<{ axes: number[] }> = {
  type: 'Unsqueeze',
  inferOutputs([x], { axes }) {
    const rank = x!.rank + axes.length;
    const resolved = axes.map((axis) => normalizeAxis(axis, rank, 'Unsqueeze'));
    const shape: Dim[] = [];
    let next = 0;
    for (let axis = 0; axis < rank; axis++) shape.push(resolved.includes(axis) ? 1 : x!.shape[next++]);
    return [{ dtype: x!.dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Unsqueeze'),
  gradient: ({ outputGradients, attributes }) => [squeeze(outputGradients[0]!, attributes.axes), undefined],
};

export const squeezeDefinition: OpDefinition<{ axes: number[] }> = {
  type: 'Squeeze',
  inferOutputs([x], { axes }) {
    const resolved = axes.map((axis) => normalizeAxis(axis, x!.rank, 'Squeeze'));
    for (const axis of resolved) {
      if (x!.shape[axis] !== 1) {
        throw new ShapeError(`Squeeze: axis ${axis} of ${x!.name} has size ${x!.shape[axis]}; expected 1.`);
      }
    }
    return [{ dtype: x!.dtype, shape: x!.shape.filter((_, axis) => !resolved.includes(axis)) }];
  },
  emit: (context) => emitNode(context, 'Squeeze'),
  gradient: ({ outputGradients, attributes }) => [unsqueeze(outputGradients[0]!, attributes.axes), undefined],
};

export const shapeDefinition: OpDefinition = {
  type: 'Shape',
  inferOutputs: ([x]) => [{ dtype: 'int64', shape: [x!.rank] }],
  emit: (context) => emitNode(context, 'Shape'),
  gradient: noGradient,
};

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const order = perm ? [...perm] : x.shape.map((_, axis) => x.rank - 1 - axis);
  return applyOp(transposeDefinition, [x], { perm: order })[0];
}

/** Swaps the last two axes, as for a batched matrix transpose. */
export function transposeLastTwo(x: Tensor): Tensor {
  const perm = x.shape.map((_, axis) => axis);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return transpose(x, perm);
}

/**
 * Reshapes with ONNX semantics: 0 copies the input dim at the same index and
 * one -1 takes the remaining size. Symbolic target dims are emitted as 0 when
 * the input has the same symbol at that index.
 */
export function reshape(x: Tensor, target: readonly Dim[]): Tensor {
  const resolved = resolveTargetShape(x, target);
  const encoded = target.map((dim, i) => encodeTargetDim(x, dim, i));
  if (encoded.filter((dim) => dim === -1).length > 1) {
    throw new NotSupportedError(`Reshape: target ${formatShape(target)} for ${x.name} has more than one dimension unknown at build time; use reshapeLike() with a tensor of the target shape.`);
  }
  const shapeTensor = x.graph.int64Vector(encoded);
  return applyOp(reshapeDefinition, [x, shapeTensor], { shape: resolved })[0];
}

/** Reshapes `x` to the shape of `reference`, read at run time when it is not static. */
export function reshapeLike(x: Tensor, reference: Tensor): Tensor {
  if (isStaticShape(reference.shape)) return reshape(x, reference.shape);
  return applyOp(reshapeDefinition, [x, shapeOf(reference)], { shape: [...reference.shape] })[0];
}

function resolveTargetShape(x: Tensor, target: readonly Dim[]): Dim[] {
  const copied = target.map((dim, i) => (dim === 0 ? x.shape[i] : dim));
  const inferIndex = copied.indexOf(-1);
  if (inferIndex < 0) return copied;

  const known = copied.filter((_, i) => i !== inferIndex);
  const remaining = divideDims(multiplyDims(x.shape), multiplyDims(known));
  if (remaining === undefined) {
    throw new ShapeError(`Reshape: cannot reshape ${x.name} of shape ${formatShape(x.shape)} to ${formatShape(target)}; the known dims do not divide the element count.`);
  }
  copied[inferIndex] = remaining;
  return copied;
}

function encodeTargetDim(x: Tensor, dim: Dim, index: number): number {
  if (typeof dim === 'number') return dim;
  return x.shape[index] === dim ? 0 : -1;
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return applyOp(expandDefinition, [x, x.graph.int64Vector(shape)], { shape: [...shape] })[0];
}

/** Broadcasts `x` to the shape of `reference`. */
export function expandLike(x: Tensor, reference: Tensor): Tensor {
  if (isStaticShape(reference.shape)) return expand(x, reference.shape);
  return applyOp(expandDefinition, [x, shapeOf(reference)], { shape: [...reference.shape] })[0];
}

/** Builds a zero tensor with the dtype and shape of `reference`. */
export function zerosLike(reference: Tensor): Tensor {
  return expandLike(reference.graph.scalar(0, reference.dtype), reference);
}

export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  return applyOp(unsqueezeDefinition, [x, x.graph.int64Vector(axes)], { axes: [...axes] })[0];
}

export function squeeze(x: Tensor, axes: readonly number[]): Tensor {
  return applyOp(squeezeDefinition, [x, x.graph.int64Vector(axes)], { axes: [...axes] })[0];
}

/** Returns the run-time shape of `x` as a 1-D int64 tensor. */
export function shapeOf(x: Tensor): Tensor {
  return applyOp(shapeDefinition, [x], {})[0];
}

export function flattenToMatrix(x: Tensor): Tensor {
  return reshape(x, [-1, x.shape[x.rank - 1]]);
}
