import { ShapeError } from '../../errors';
import { floatAttribute, intAttribute } from '../graph/attributes';
import { formatShape, normalizeAxis, sameShape, type Dim } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireFloat, requireSameDtype } from './apply';
import { add, mul, sub } from './elementwise-binary';
import { reciprocal, sqrt } from './elementwise-unary';
import type { OpDefinition } from './op-definition';
import { reduceMean, reduceSum } from './reduce';
import { reshape } from './shape-ops';

export interface LayerNormalizationAttributes {
  axis: number;
  epsilon: number;
}

/** Normalizes over the axes from `axis` to the last, then applies scale and bias of that trailing shape. */
export const layerNormalizationDefinition: OpDefinition<LayerNormalizationAttributes> = {
  type: 'LayerNormalization',
  inferOutputs([x, scale, bias], { axis }) {
    requireSameDtype('LayerNormalization', [x, scale, bias]);
    requireFloat('LayerNormalization', x!);
    const normalizedShape = x!.shape.slice(axis);
    for (const parameter of [scale, bias]) {
      if (parameter && !sameShape(parameter.shape, normalizedShape)) {
        throw new ShapeError(`LayerNormalization: ${parameter.name} has shape ${formatShape(parameter.shape)}; expected ${formatShape(normalizedShape)}, the trailing dims of ${x!.name} from axis ${axis}.`);
      }
    }
    return [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  emit: (context) => emitNode(context, 'LayerNormalization', { axis: intAttribute(context.attributes.axis), epsilon: floatAttribute(context.attributes.epsilon) }),
  gradient({ inputs, outputGradients, needsGradient, attributes }) {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    const g = outputGradients[0]!;
    const normalizedAxes = range(attributes.axis, x.rank);
    const leadingAxes = range(0, attributes.axis);

    const { normalized, inputGradient } = normalizationGradient(x, mul(g, scale), normalizedAxes, attributes.epsilon);
    const sumLeading = (t: Tensor) => (leadingAxes.length > 0 ? reduceSum(t, leadingAxes) : t);
    return [
      needsGradient[0] ? inputGradient : undefined,
      needsGradient[1] ? sumLeading(mul(g, normalized)) : undefined,
      bias && needsGradient[2] ? sumLeading(g) : undefined,
    ];
  },
};

export interface BatchNormalizationAttributes {
  epsilon: number;
  /** Weight of the old running statistic in the update, as in ONNX (PyTorch's momentum is 1 minus this). */
  momentum: number;
  /** Training mode normalizes by batch statistics and also returns the updated running mean and variance. */
  training: boolean;
}

/**
 * ONNX BatchNormalization over channel axis 1. In training mode the running
 * variance is updated with the population (biased) batch variance, as the
 * ONNX definition states; PyTorch uses the unbiased one.
 */
export const batchNormalizationDefinition: OpDefinition<BatchNormalizationAttributes> = {
  type: 'BatchNormalization',
  inferOutputs([x, ...parameters], { training }) {
    requireSameDtype('BatchNormalization', [x, ...parameters]);
    requireFloat('BatchNormalization', x!);
    if (x!.rank < 2) throw new ShapeError(`BatchNormalization: ${x!.name} has shape ${formatShape(x!.shape)}; expected [N, C, ...].`);
    const channels = x!.shape[1];
    for (const parameter of parameters) {
      if (!sameShape(parameter!.shape, [channels])) {
        throw new ShapeError(`BatchNormalization: ${parameter!.name} has shape ${formatShape(parameter!.shape)}; expected [${channels}], one value per channel of ${x!.name}.`);
      }
    }
    const statistics = { dtype: x!.dtype, shape: [channels] as Dim[] };
    return training ? [{ dtype: x!.dtype, shape: [...x!.shape] }, statistics, { ...statistics }] : [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  emit(context) {
    const { epsilon, momentum, training } = context.attributes;
    emitNode(context, 'BatchNormalization', { epsilon: floatAttribute(epsilon), momentum: floatAttribute(momentum), training_mode: intAttribute(training ? 1 : 0) });
  },
  gradient({ inputs, outputGradients, needsGradient, attributes }) {
    const [x, scale, , mean, variance] = inputs as Tensor[];
    const g = outputGradients[0]!;
    const reducedAxes = [0, ...range(2, x.rank)];
    const perChannel = (t: Tensor) => (x.rank > 2 ? reshape(t, [t.shape[0], ...range(2, x.rank).map(() => 1)]) : t);
    const scaleB = perChannel(scale);

    let normalized: Tensor;
    let inputGradient: Tensor;
    if (attributes.training) {
      ({ normalized, inputGradient } = normalizationGradient(x, mul(g, scaleB), reducedAxes, attributes.epsilon));
    } else {
      const inverseDeviation = perChannel(reciprocal(sqrt(add(variance, attributes.epsilon))));
      normalized = mul(sub(x, perChannel(mean)), inverseDeviation);
      inputGradient = mul(g, mul(scaleB, inverseDeviation));
    }
    return [
      needsGradient[0] ? inputGradient : undefined,
      needsGradient[1] ? reduceSum(mul(g, normalized), reducedAxes) : undefined,
      needsGradient[2] ? reduceSum(g, reducedAxes) : undefined,
      undefined,
      undefined,
    ];
  },
};

/**
 * Backward pass of (x - mean) / sqrt(var + eps) over `axes`, given the gradient
 * with respect to the normalized value: dx = (dn - mean(dn) - n mean(dn n)) / sigma.
 * The statistics are recomputed here rather than stored by the forward node.
 */
function normalizationGradient(x: Tensor, normalizedGradient: Tensor, axes: number[], epsilon: number): { normalized: Tensor; inputGradient: Tensor } {
  const centered = sub(x, reduceMean(x, axes, true));
  const inverseDeviation = reciprocal(sqrt(add(reduceMean(mul(centered, centered), axes, true), epsilon)));
  const normalized = mul(centered, inverseDeviation);

  const meanGradient = reduceMean(normalizedGradient, axes, true);
  const projection = mul(normalized, reduceMean(mul(normalizedGradient, normalized), axes, true));
  const inputGradient = mul(sub(sub(normalizedGradient, meanGradient), projection), inverseDeviation);
  return { normalized, inputGradient };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

export function layerNormalization(x: Tensor, scale: Tensor, bias?: Tensor, options: { axis?: number; epsilon?: number } = {}): Tensor {
  const axis = normalizeAxis(options.axis ?? -1, x.rank, 'LayerNormalization');
  return applyOp(layerNormalizationDefinition, [x, scale, bias], { axis, epsilon: options.epsilon ?? 1e-5 })[0];
}

export interface BatchNormalizationOptions {
  epsilon?: number;
  momentum?: number;
}

/** Training-mode batch normalization; returns the output and the updated running mean and variance. */
export function batchNormalizationTraining(
  x: Tensor,
  scale: Tensor,
  bias: Tensor,
  runningMean: Tensor,
  runningVariance: Tensor,
  options: BatchNormalizationOptions = {},
): { output: Tensor; runningMean: Tensor; runningVariance: Tensor } {
  const attributes = { epsilon: options.epsilon ?? 1e-5, momentum: options.momentum ?? 0.9, training: true };
  const [output, mean, variance] = applyOp(batchNormalizationDefinition, [x, scale, bias, runningMean, runningVariance], attributes);
  return { output, runningMean: mean, runningVariance: variance };
}

/** Inference-mode batch normalization with the given running statistics. */
export function batchNormalizationInference(x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, epsilon = 1e-5): Tensor {
  return applyOp(batchNormalizationDefinition, [x, scale, bias, mean, variance], { epsilon, momentum: 0.9, training: false })[0];
}
