import { ValidationError } from '../../errors';
import { intAttribute } from '../graph/attributes';
import { normalizeAxis, staticSize, type Dim } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, requireFloat } from './apply';
import { cast, equal } from './comparison';
import { div, mul } from './elementwise-binary';
import type { EmitContext, GradientContext, OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { expandLike, shapeOf, unsqueeze } from './shape-ops';

/** Axes are normalized and sorted; an empty list is rejected by the API functions, never meaning "all". */
export interface ReduceAttributes {
  axes: number[];
  keepDims: boolean;
}

type ReduceGradient = (context: GradientContext<ReduceAttributes>, gradientKept: Tensor) => Tensor;

function reduceDefinition(type: OpType, rule: ReduceGradient): OpDefinition<ReduceAttributes> {
  return {
    type,
    inferOutputs([x], { axes, keepDims }) {
      requireFloat(type, x!);
      const shape: Dim[] = [];
      x!.shape.forEach((dim, axis) => {
        if (!axes.includes(axis)) shape.push(dim);
        else if (keepDims) shape.push(1);
      });
      return [{ dtype: x!.dtype, shape }];
    },
    emit(context: EmitContext<ReduceAttributes>) {
      const { graph, inputs, outputs, attributes } = context;
      const axesTensor = graph.int64Vector(attributes.axes);
      graph.addNode(type, [inputs[0]!.name, axesTensor.name], [outputs[0].name], { keepdims: intAttribute(attributes.keepDims ? 1 : 0) });
    },
    gradient(context) {
      const g = context.outputGradients[0]!;
      const gradientKept = context.attributes.keepDims ? g : unsqueeze(g, context.attributes.axes);
      return [rule(context, gradientKept)];
    },
  };
}

export const reduceSumDefinition = reduceDefinition('ReduceSum', ({ inputs }, g) => expandLike(g, inputs[0]!));

// d/dx sum(x^2) = 2 x.
export const reduceSumSquareDefinition = reduceDefinition('ReduceSumSquare', ({ inputs }, g) => mul(expandLike(g, inputs[0]!), mul(inputs[0]!, 2)));

export const reduceMeanDefinition = reduceDefinition('ReduceMean', ({ inputs, attributes }, g) => {
  const x = inputs[0]!;
  return div(expandLike(g, x), reducedCount(x, attributes.axes));
});

// The gradient is shared equally between tied maxima, as PyTorch's amax does.
export const reduceMaxDefinition = reduceDefinition('ReduceMax', ({ inputs, outputs, attributes }, g) => {
  const x = inputs[0]!;
  const maxKept = attributes.keepDims ? outputs[0] : unsqueeze(outputs[0], attributes.axes);
  const isMax = cast(equal(x, maxKept), x.dtype);
  const ties = reduceSum(isMax, attributes.axes, true);
  return mul(expandLike(div(g, ties), x), isMax);
});

/** Number of elements folded into each output, as a scalar of x's dtype. */
function reducedCount(x: Tensor, axes: readonly number[]): Tensor {
  const count = staticSize(axes.map((axis) => x.shape[axis]));
  if (count !== undefined) return x.graph.scalar(count, x.dtype);

  // Symbolic dims: take their product from the run-time shape.
  const dims = cast(shapeOf(x), x.dtype);
  return reduceProductOfDims(dims, axes);
}

function reduceProductOfDims(dims: Tensor, axes: readonly number[]): Tensor {
  const graph = dims.graph;
  const selected = graph.temporaryName('selected_dims');
  const indices = graph.int64Vector(axes);
  graph.addNode('Gather', [dims.name, indices.name], [selected], { axis: intAttribute(0) });

  // The count is constant within a run, so it needs no tape entry of its own.
  const count = graph.createComputedTensor('reduced_count', dims.dtype, []);
  graph.addNode('ReduceProd', [selected], [count.name], { keepdims: intAttribute(0) });
  return count;
}

function normalizeAxes(opType: string, x: Tensor, axes: readonly number[] | undefined): number[] {
  // ONNX reads an empty axes list as "all axes", which would contradict the shape rule above.
  if (axes && axes.length === 0) throw new ValidationError(`${opType}: the axes list is empty; omit it to reduce over all axes.`);
  const list = axes ?? x.shape.map((_, axis) => axis);
  return [...new Set(list.map((axis) => normalizeAxis(axis, x.rank, opType)))].sort((a, b) => a - b);
}

/** Sum over `axes` (all axes when omitted). */
export function reduceSum(x: Tensor, axes?: readonly number[], keepDims = false): Tensor {
  return applyOp(reduceSumDefinition, [x], { axes: normalizeAxes('ReduceSum', x, axes), keepDims })[0];
}

/** Sum of squares over `axes` in one pass (all axes when omitted). */
export function reduceSumSquare(x: Tensor, axes?: readonly number[], keepDims = false): Tensor {
  return applyOp(reduceSumSquareDefinition, [x], { axes: normalizeAxes('ReduceSumSquare', x, axes), keepDims })[0];
}

export function reduceMean(x: Tensor, axes?: readonly number[], keepDims = false): Tensor {
  return applyOp(reduceMeanDefinition, [x], { axes: normalizeAxes('ReduceMean', x, axes), keepDims })[0];
}

export function reduceMax(x: Tensor, axes?: readonly number[], keepDims = false): Tensor {
  return applyOp(reduceMaxDefinition, [x], { axes: normalizeAxes('ReduceMax', x, axes), keepDims })[0];
}
