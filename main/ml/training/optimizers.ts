import { ValidationError } from '../../errors';
import type { FloatDataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, concat, div, minimum, mul, pow, reduceSumSquare, split, sqrt, sub } from '../ops';

export interface AdamWConfig {
  type: 'adamw';
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (Loshchilov and Hutter 2019), applied only to parameters marked for decay. */
  weightDecay?: number;
  /** Parameters with more elements are updated in row blocks of about this size; 0, the default, turns blocking off. */
  chunkElements?: number;
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

/** A persistent optimizer tensor: its graph input and the tensor with its next value. */
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

/** Zero-initialised state buffer of `shape`, named '<prefix>/<parameter name><suffix>'. */
function stateInput(graph: GraphBuilder, prefix: string, parameter: Tensor, shape = parameter.shape as number[], suffix = ''): Tensor {
  const size = shape.reduce((product, dim) => product * dim, 1);
  const zeros = parameter.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  return graph.buffer(`${prefix}/${parameter.name}${suffix}`, zeros, shape);
}

/** Step-wide scalars of AdamW, computed once per step. */
interface AdamWFactors {
  beta1: number;
  beta2: number;
  stepSize: Tensor;
  scaledEpsilon: Tensor;
  firstMomentScale: Tensor;
  secondMomentScale: Tensor;
  /** 1 - lr * weight decay, or undefined when the parameter takes no decay. */
  decayFactor?: Tensor;
}

function adamWUpdate(parameter: Tensor, gradient: Tensor, m: Tensor, v: Tensor, factors: AdamWFactors): { parameter: Tensor; m: Tensor; v: Tensor } {
  const nextM = add(mul(m, factors.beta1), mul(gradient, factors.firstMomentScale));
  const nextV = add(mul(v, factors.beta2), mul(mul(gradient, gradient), factors.secondMomentScale));
  const update = div(mul(nextM, factors.stepSize), add(sqrt(nextV), factors.scaledEpsilon));
  const decayed = factors.decayFactor ? mul(parameter, factors.decayFactor) : parameter;
  return { parameter: sub(decayed, update), m: nextM, v: nextV };
}

/** Row counts that cut axis 0 of `shape` into blocks of about `chunkElements`, or undefined when one block suffices. */
function chunkSizes(shape: readonly number[], chunkElements: number): number[] | undefined {
  const rows = shape[0];
  const rowSize = shape.slice(1).reduce((product, dim) => product * dim, 1);
  const rowsPerChunk = Math.max(1, Math.floor(chunkElements / rowSize));
  if (chunkElements <= 0 || shape.length < 2 || rows <= rowsPerChunk) return undefined;

  const sizes: number[] = [];
  for (let start = 0; start < rows; start += rowsPerChunk) sizes.push(Math.min(rowsPerChunk, rows - start));
  return sizes;
}

/**
 * AdamW with bias correction. With b1 = 1 - beta1^t and b2 = 1 - beta2^t the
 * update p -= lr (m/b1) / (sqrt(v/b2) + eps) is rewritten as
 * lr sqrt(b2)/b1 * m / (sqrt(v) + eps sqrt(b2)), so per element it needs
 * no extra passes for the corrections; step-wide factors are scalars.
 *
 * The update is memory-bound: about a dozen elementwise passes per element.
 * Parameters larger than `chunkElements` can be updated in row blocks whose
 * intermediates stay in the CPU cache, with m and v stored per block
 * ('adamw/m/<name>/<block>') and only the parameter and its gradient split.
 * Blocking is off by default because the Split and Concat passes cost more
 * than the cache saves. On a quiet 2-core x86-64 machine the bench/training.ts
 * head (4 steps per run, no spinning) took 74-76 ms per step with whole
 * tensors and 87-91 ms with 65536-element blocks (3 tokens). With 1 token it
 * took 53 and 62 ms. The blocks used 3-5 % less CPU time, which made them
 * faster in 10 of 15 earlier runs on a busy machine.
 */
export function buildAdamW(graph: GraphBuilder, parameters: readonly OptimizedParameter[], scalars: StepScalars, config: AdamWConfig): OptimizerResult {
  const weightDecay = config.weightDecay ?? 0.01;
  const chunkElements = config.chunkElements ?? 0;

  return graph.scope('adamw', () => {
    const factors = adamWFactors(graph, scalars, config);
    const decayFactor = sub(1, mul(scalars.learningRate, weightDecay));

    const states: OptimizerState[] = [];
    const updatedParameters = parameters.map(({ tensor, gradient, weightDecay: decays }) => {
      const parameterFactors = { ...factors, decayFactor: decays && weightDecay !== 0 ? decayFactor : undefined };
      const sizes = chunkSizes(tensor.shape as number[], chunkElements);
      if (!sizes) {
        const m = stateInput(graph, 'm', tensor);
        const v = stateInput(graph, 'v', tensor);
        const next = adamWUpdate(tensor, gradient, m, v, parameterFactors);
        states.push({ input: m, updated: next.m }, { input: v, updated: next.v });
        return next.parameter;
      }

      const parameterBlocks = split(tensor, sizes, 0);
      const gradientBlocks = split(gradient, sizes, 0);
      const nextBlocks = parameterBlocks.map((block, i) => {
        const m = stateInput(graph, 'm', tensor, block.shape as number[], `/${i}`);
        const v = stateInput(graph, 'v', tensor, block.shape as number[], `/${i}`);
        const next = adamWUpdate(block, gradientBlocks[i], m, v, parameterFactors);
        states.push({ input: m, updated: next.m }, { input: v, updated: next.v });
        return next.parameter;
      });
      return concat(nextBlocks, 0);
    });
    return { updatedParameters, states };
  });
}

function adamWFactors(graph: GraphBuilder, { learningRate, step, gradientScale }: StepScalars, config: AdamWConfig): AdamWFactors {
  const beta1 = config.beta1 ?? 0.9;
  const beta2 = config.beta2 ?? 0.999;
  const correction1 = sub(1, pow(graph.scalar(beta1, step.dtype), step));
  const correction2Root = sqrt(sub(1, pow(graph.scalar(beta2, step.dtype), step)));
  return {
    beta1,
    beta2,
    stepSize: div(mul(learningRate, correction2Root), correction1),
    scaledEpsilon: mul(correction2Root, config.epsilon ?? 1e-8),
    firstMomentScale: mul(gradientScale, 1 - beta1),
    secondMomentScale: mul(mul(gradientScale, gradientScale), 1 - beta2),
  };
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
 * Computes the global L2 norm of all gradients and the factor min(1, maxNorm / (norm + 1e-6))
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
