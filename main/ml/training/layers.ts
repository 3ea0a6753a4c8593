import type { FloatDataType } from '../graph/dtype';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, batchNormalizationInference, batchNormalizationTraining, dropout, gelu, layerNormalization, matMul, quickGelu, reshape, softmax, transpose, mul } from '../ops';
import type { SeededRandom } from './random';

/** Graph, seeded generator for initial values and float type, shared by the layers of one model. */
export interface LayerContext {
  graph: GraphBuilder;
  random: SeededRandom;
  dtype: FloatDataType;
}

function filled(context: LayerContext, length: number, value: (i: number) => number): Float32Array | Float64Array {
  const data = context.dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = value(i);
  return data;
}

/** Uniform in [-1/sqrt(fanIn), 1/sqrt(fanIn)], the default of PyTorch's nn.Linear. */
export function uniformWeight(context: LayerContext, name: string, shape: number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((product, dim) => product * dim, 1);
  return context.graph.parameter(name, filled(context, size, () => (2 * context.random.nextFloat() - 1) * bound), shape);
}

export function constantParameter(context: LayerContext, name: string, shape: number[], value: number): Tensor {
  const size = shape.reduce((product, dim) => product * dim, 1);
  return context.graph.parameter(name, filled(context, size, () => value), shape, { weightDecay: false });
}

/** y = x W + b over the last axis, with W of shape [in, out]. */
export function linear(context: LayerContext, name: string, x: Tensor, inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}): Tensor {
  return context.graph.scope(name, () => {
    const weight = uniformWeight(context, 'weight', [inFeatures, outFeatures], inFeatures);
    const product = matMul(x, weight);
    if (options.bias === false) return product;
    return add(product, uniformWeight(context, 'bias', [outFeatures], inFeatures));
  });
}

export function layerNorm(context: LayerContext, name: string, x: Tensor, width: number): Tensor {
  return context.graph.scope(name, () => layerNormalization(x, constantParameter(context, 'weight', [width], 1), constantParameter(context, 'bias', [width], 0)));
}

export interface AttentionOptions {
  width: number;
  heads: number;
}

/**
 * Multi-head self-attention over x [batch, tokens, width]: softmax(Q K^T / sqrt(d)) V
 * per head, then an output projection.
 */
export function multiHeadAttention(context: LayerContext, name: string, x: Tensor, { width, heads }: AttentionOptions): Tensor {
  return context.graph.scope(name, () => {
    const headWidth = width / heads;
    const tokens = x.shape[1];
    const splitHeads = (t: Tensor) => transpose(reshape(t, [0, 0, heads, headWidth]), [0, 2, 1, 3]);

    const query = splitHeads(linear(context, 'query', x, width, width));
    const key = splitHeads(linear(context, 'key', x, width, width));
    const value = splitHeads(linear(context, 'value', x, width, width));

    const scores = mul(matMul(query, transpose(key, [0, 1, 3, 2])), 1 / Math.sqrt(headWidth));
    const attended = matMul(softmax(scores, -1), value);
    const merged = reshape(transpose(attended, [0, 2, 1, 3]), [0, tokens, width]);
    return linear(context, 'output', merged, width, width);
  });
}

export interface TransformerBlockOptions extends AttentionOptions {
  mlpWidth: number;
  activation?: 'gelu' | 'quick_gelu';
  /** Keep masks for the attention and MLP outputs, drawn by the caller; omitted means no dropout. */
  dropout?: { ratio: number; attentionMask: Tensor; mlpMask: Tensor };
}

/** Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x)). */
export function transformerBlock(context: LayerContext, name: string, x: Tensor, options: TransformerBlockOptions): Tensor {
  return context.graph.scope(name, () => {
    let attention = multiHeadAttention(context, 'attention', layerNorm(context, 'norm1', x, options.width), options);
    if (options.dropout) attention = dropout(attention, options.dropout.attentionMask, options.dropout.ratio);
    const afterAttention = add(x, attention);

    const hidden = linear(context, 'mlp_in', layerNorm(context, 'norm2', afterAttention, options.width), options.width, options.mlpWidth);
    const activated = options.activation === 'quick_gelu' ? quickGelu(hidden) : gelu(hidden);
    let mlp = linear(context, 'mlp_out', activated, options.mlpWidth, options.width);
    if (options.dropout) mlp = dropout(mlp, options.dropout.mlpMask, options.dropout.ratio);
    return add(afterAttention, mlp);
  });
}

/** Running statistics of a batch-norm layer, which training updates but the optimizer does not. */
export interface BatchNormState {
  runningMean: Tensor;
  runningVariance: Tensor;
  updatedMean?: Tensor;
  updatedVariance?: Tensor;
}

/**
 * Batch normalization over features [batch, width] (the BN-neck of ReID
 * heads), with a frozen bias as in the BNNeck of Luo et al. 2019. Running
 * statistics are buffers named '<scope>/running_mean' and '<scope>/running_var'.
 */
export function batchNormNeck(context: LayerContext, name: string, x: Tensor, width: number, training: boolean): { output: Tensor; state: BatchNormState } {
  return context.graph.scope(name, () => {
    const scale = constantParameter(context, 'weight', [width], 1);
    const bias = context.graph.constant(new Array(width).fill(0), context.dtype, [width]);
    const runningMean = context.graph.buffer('running_mean', filled(context, width, () => 0), [width]);
    const runningVariance = context.graph.buffer('running_var', filled(context, width, () => 1), [width]);
    if (!training) {
      return { output: batchNormalizationInference(x, scale, bias, runningMean, runningVariance), state: { runningMean, runningVariance } };
    }
    const result = batchNormalizationTraining(x, scale, bias, runningMean, runningVariance, { momentum: 0.9 });
    return {
      output: result.output,
      state: { runningMean, runningVariance, updatedMean: result.runningMean, updatedVariance: result.runningVariance },
    };
  });
}
