import { ValidationError } from '../../errors';
import type { FloatDataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, div, minimum, mul, pow, reduceSumSquare, sqrt, sub } from '../ops';

export interface AdamWConfig {
  type: 'adamw';
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (Loshchilov and Hutter 2019), applied only to parameters marked for decay. */
  weightDecay?: number;
}

export interface SgdConfig {
  type: 'sgd';
  momentum?: number;
  /** L2 penalty added to the gradient (coupled), applied only to parameters marked for decay. */
  weightDecay?: number;
}

export type OptimizerConfig = AdamWConfig | SgdConfig;

/** A trainable tensor with its gradient and whether weight decay applies to it. */
export interface OptimizedParameter {
  tensor: Tensor;
  gradient: Tensor;
  weightDecay: boolean;
}

/** A persistent optimizer tensor: its graph input and the output holding its next value. */
export interface OptimizerState {
  input: Tensor;
  updated: Tensor;
}

export interface OptimizerResult {
  /** Next value of each parameter, in the order given. */
  updatedParameters: Tensor[];
  states: OptimizerState[];
}

/** Scalars fed each step: the learning rate from the schedule and the 1-based step count. */
export interface StepScalars {
  learningRate: Tensor;
  step: Tensor;
  /** Factor applied to every gradient, from clipping by global norm; 1 when clipping is off. */
  gradientScale: Tensor;
}

/** Zero-initialised state input shaped like `parameter`, named '<prefix>/<parameter name>'. */
function stateInput(graph: GraphBuilder, prefix: string, parameter: Tensor): Tensor {
  const size = (parameter.shape as number[]).reduce((product, dim) => product * dim, 1);
  const zeros = parameter.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  return graph.buffer(`${prefix}/${parameter.name}`, zeros, parameter.shape as number[]);
}

/**
 * AdamW with bias correction. With b1 = 1 - beta1^t and b2 = 1 - beta2^t the
 * update p -= lr (m/b1) / (sqrt(v/b2) + eps) is rewritten as
 * lr sqrt(b2)/b1 * m / (sqrt(v) + eps sqrt(b2)), so per element it needs
 * no extra passes for the corrections; step-wide factors are scalars.
 */
export function buildAdamW(graph: GraphBuilder, parameters: readonly OptimizedParameter[], scalars: StepScalars, config: AdamWConfig): OptimizerResult {
  const beta1 = config.beta1 ?? 0.9;
  const beta2 = config.beta2 ?? 0.999;
  const epsilon = config.epsilon ?? 1e-8;
  const weightDecay = config.weightDecay ?? 0.01;

  return graph.scope('adamw', () => {
    const { learningRate, step, gradientScale } = scalars;
    const correction1 = sub(1, pow(graph.scalar(beta1, step.dtype), step));
    const correction2Root = sqrt(sub(1, pow(graph.scalar(beta2, step.dtype), step)));
    const stepSize = div(mul(learningRate, correction2Root), correction1);
    const scaledEpsilon = mul(correction2Root, epsilon);
    const firstMomentScale = mul(gradientScale, 1 - beta1);
    const secondMomentScale = mul(mul(gradientScale, gradientScale), 1 - beta2);
    const decayFactor = sub(1, mul(learningRate, weightDecay));

    const states: OptimizerState[] = [];
    const updatedParameters = parameters.map(({ tensor, gradient, weightDecay: decays }) => {
      const m = stateInput(graph, 'm', tensor);
      const v = stateInput(graph, 'v', tensor);
      const nextM = add(mul(m, beta1), mul(gradient, firstMomentScale));
      const nextV = add(mul(v, beta2), mul(mul(gradient, gradient), secondMomentScale));
      states.push({ input: m, updated: nextM }, { input: v, updated: nextV });

      const update = div(mul(nextM, stepSize), add(sqrt(nextV), scaledEpsilon));
      const decayed = decays && weightDecay !== 0 ? mul(tensor, decayFactor) : tensor;
      return sub(decayed, update);
    });
    return { updatedParameters, states };
  });
}

/** SGD with heavy-ball momentum as in PyTorch: v = mu v + g; p -= lr v. */
export function buildSgd(graph: GraphBuilder, parameters: readonly OptimizedParameter[], scalars: StepScalars, config: SgdConfig): OptimizerResult {
  const momentum = config.momentum ?? 0.9;
  const weightDecay = config.weightDecay ?? 0;

  return graph.scope('sgd', () => {
    const states: OptimizerState[] = [];
    const updatedParameters = parameters.map(({ tensor, gradient, weightDecay: decays }) => {
      let direction = mul(gradient, scalars.gradientScale);
      if (decays && weightDecay !== 0) direction = add(direction, mul(tensor, weightDecay));
      if (momentum !== 0) {
        const velocity = stateInput(graph, 'velocity', tensor);
        direction = add(mul(velocity, momentum), direction);
        states.push({ input: velocity, updated: direction });
      }
      return sub(tensor, mul(direction, scalars.learningRate));
    });
    return { updatedParameters, states };
  });
}

/**
 * Global L2 norm of all gradients and the factor min(1, maxNorm / (norm + 1e-6))
 * that clips it to `maxNorm`, as torch.nn.utils.clip_grad_norm_ computes it.
 */
export function globalNormClipScale(gradients: readonly Tensor[], maxNorm: number | undefined, dtype: FloatDataType): { norm: Tensor; scale: Tensor } {
  if (gradients.length === 0) throw new ValidationError('Gradient clipping needs at least one gradient.');
  const graph = gradients[0].graph;
  const squares = gradients.map((gradient) => reduceSumSquare(gradient));
  const norm = sqrt(squares.reduce((total, square) => add(total, square)));
  if (maxNorm === undefined) return { norm, scale: graph.scalar(1, dtype) };
  if (!(maxNorm > 0)) throw new ValidationError(`Maximum gradient norm ${maxNorm} is invalid; expected a positive number.`);
  return { norm, scale: minimum(graph.scalar(1, dtype), div(maxNorm, add(norm, 1e-6))) };
}
