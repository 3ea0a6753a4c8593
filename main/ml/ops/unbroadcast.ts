import type { Shape } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { reduceSum } from './reduce';

/**
 * Sums a gradient over the axes along which an input of `inputShape` was
 * broadcast, so the result has `inputShape`. Broadcast axes are known at build
 * time: leading axes the input lacked, and axes where the input had size 1.
 */
export function unbroadcast(gradient: Tensor, inputShape: Shape): Tensor {
  const leading = gradient.rank - inputShape.length;
  const stretchedAxes: number[] = [];
  for (let axis = leading; axis < gradient.rank; axis++) {
    if (inputShape[axis - leading] === 1 && gradient.shape[axis] !== 1) stretchedAxes.push(axis);
  }

  let result = gradient;
  if (stretchedAxes.length > 0) result = reduceSum(result, stretchedAxes, true);
  if (leading > 0) result = reduceSum(result, Array.from({ length: leading }, (_, axis) => axis), false);
  return result;
}
