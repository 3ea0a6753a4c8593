import { NotSupportedError, ShapeError, ValidationError } from '../../errors';
import { intAttribute } from '../graph/attributes';
import { formatShape, normalizeAxis, type Dim } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireSameDtype } from './apply';
import type { OpDefinition } from './op-definition';
import { zerosLike } from './shape-ops';

export const concatDefinition: OpDefinition<{ axis: number }> = {
  type: 'Concat',
  inferOutputs(inputs, { axis }) {
    const dtype = requireSameDtype('Concat', inputs);
    const first = inputs[0]!;
    for (const input of inputs) {
      const matches = input!.rank === first.rank && input!.shape.every((dim, i) => i === axis || dim === first.shape[i]);
      if (!matches) {
        throw new ShapeError(`Concat: ${input!.name} has shape ${formatShape(input!.shape)} but ${first.name} has ${formatShape(first.shape)}; all dims except axis ${axis} must agree.`);
      }
    }
    const shape = [...first.shape];
    shape[axis] = sumDims(inputs.map((input) => input!.shape[axis]));
    return [{ dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Concat', { axis: intAttribute(context.attributes.axis) }),
  gradient({ inputs, outputGradients, attributes }) {
    const sizes = inputs.map((input) => input!.shape[attributes.axis]);
    if (!sizes.every((size): size is number => typeof size === 'number')) {
      throw new NotSupportedError(`Concat gradient needs static sizes along axis ${attributes.axis} but got [${sizes.join(', ')}].`);
    }
    return split(outputGradients[0]!, sizes, attributes.axis);
  },
};

function sumDims(dims: readonly Dim[]): Dim {
  if (dims.every((dim): dim is number => typeof dim === 'number')) return dims.reduce((total, dim) => total + dim, 0);
  return dims.join('+');
}

export const splitDefinition: OpDefinition<{ axis: number; sizes: number[] }> = {
  type: 'Split',
  inferOutputs([x], { axis, sizes }) {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    if (x!.shape[axis] !== total) {
      throw new ShapeError(`Split: sizes [${sizes.join(', ')}] add up to ${total} but axis ${axis} of ${x!.name} has ${x!.shape[axis]}.`);
    }
    return sizes.map((size) => {
      const shape = [...x!.shape];
      shape[axis] = size;
      return { dtype: x!.dtype, shape };
    });
  },
  emit: (context) => emitNode(context, 'Split', { axis: intAttribute(context.attributes.axis) }),
  gradient({ outputs, outputGradients, attributes }) {
    const pieces = outputs.map((output, i) => outputGradients[i] ?? zerosLike(output));
    return [concat(pieces, attributes.axis), undefined];
  },
};

/** Normalized slice: one entry per sliced axis, starts and ends clamped to the static dim. */
export interface SliceAttributes {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}

export const sliceDefinition: OpDefinition<SliceAttributes> = {
  type: 'Slice',
  inferOutputs([x], { starts, ends, axes, steps }) {
    const shape = [...x!.shape];
    axes.forEach((axis, i) => {
      shape[axis] = Math.max(0, Math.ceil((ends[i] - starts[i]) / steps[i]));
    });
    return [{ dtype: x!.dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Slice'),
  gradient({ inputs, outputGradients, attributes }) {
    const x = inputs[0]!;
    if (attributes.steps.some((step) => step !== 1)) {
      throw new NotSupportedError(`Slice gradient supports step 1 only but ${x.name} was sliced with steps [${attributes.steps.join(', ')}].`);
    }
    const before = x.shape.map(() => 0);
    const after = x.shape.map(() => 0);
    attributes.axes.forEach((axis, i) => {
      before[axis] = attributes.starts[i];
      after[axis] = (x.shape[axis] as number) - attributes.ends[i];
    });
    return [pad(outputGradients[0]!, before, after), undefined, undefined, undefined, undefined];
  },
};

/** Constant zero padding; `before` and `after` give the count added at each end of each axis. */
export const padDefinition: OpDefinition<{ before: number[]; after: number[] }> = {
  type: 'Pad',
  inferOutputs([x], { before, after }) {
    if (before.length !== x!.rank || after.length !== x!.rank || [...before, ...after].some((count) => !(count >= 0))) {
      throw new ShapeError(`Pad: expected ${x!.rank} non-negative counts before and after each axis of ${x!.name} but got [${before.join(', ')}] and [${after.join(', ')}].`);
    }
    const shape = x!.shape.map((dim, axis) => (before[axis] === 0 && after[axis] === 0 ? dim : (dim as number) + before[axis] + after[axis]));
    return [{ dtype: x!.dtype, shape }];
  },
  emit: (context) => emitNode(context, 'Pad'),
  gradient({ inputs, outputGradients, attributes }) {
    const x = inputs[0]!;
    const axes = x.shape.map((_, axis) => axis).filter((axis) => attributes.before[axis] !== 0 || attributes.after[axis] !== 0);
    const starts = axes.map((axis) => attributes.before[axis]);
    const ends = axes.map((axis) => attributes.before[axis] + (x.shape[axis] as number));
    return [axes.length === 0 ? outputGradients[0] : slice(outputGradients[0]!, starts, ends, axes), undefined];
  },
};

export function concat(inputs: readonly Tensor[], axis: number): Tensor {
  if (inputs.length === 0) throw new ValidationError('concat() needs at least one tensor.');
  return applyOp(concatDefinition, inputs, { axis: normalizeAxis(axis, inputs[0].rank, 'Concat') })[0];
}

export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  const resolved = normalizeAxis(axis, x.rank, 'Split');
  return applyOp(splitDefinition, [x, x.graph.int64Vector(sizes)], { axis: resolved, sizes: [...sizes] });
}

/** Slices like numpy x[start:end:step] on each listed axis; negative starts and ends count from the end. */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Tensor {
  const axisList = (axes ?? starts.map((_, i) => i)).map((axis) => normalizeAxis(axis, x.rank, 'Slice'));
  const stepList = steps ? [...steps] : axisList.map(() => 1);
  if (stepList.some((step) => !(step > 0))) {
    throw new NotSupportedError(`Slice: steps [${stepList.join(', ')}] must be positive; reverse with another op.`);
  }
  const clamp = (value: number, dim: number) => Math.min(Math.max(value < 0 ? value + dim : value, 0), dim);
  const dims = axisList.map((axis) => x.shape[axis]);
  if (!dims.every((dim): dim is number => typeof dim === 'number')) {
    throw new NotSupportedError(`Slice: axes [${axisList.join(', ')}] of ${x.name} ${formatShape(x.shape)} include a symbolic dim; slice only axes whose size is known when the graph is built.`);
  }
  const attributes: SliceAttributes = {
    starts: starts.map((start, i) => clamp(start, dims[i])),
    ends: ends.map((end, i) => clamp(end, dims[i])),
    axes: axisList,
    steps: stepList,
  };
  const graph = x.graph;
  const constants = [attributes.starts, attributes.ends, attributes.axes, attributes.steps].map((values) => graph.int64Vector(values));
  return applyOp(sliceDefinition, [x, ...constants], attributes)[0];
}

export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  const pads = x.graph.int64Vector([...before, ...after]);
  return applyOp(padDefinition, [x, pads], { before: [...before], after: [...after] })[0];
}
