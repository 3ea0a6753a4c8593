import { ShapeError } from '../../errors';
import { formatShape, sameShape } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import type { LayerContext } from '../training/layers';

/** Scope that every tensor of the text encoder is created in. */
export const textEncoderScope = 'text_encoder';

/**
 * Weights of a pretrained text encoder by Hugging Face CLIP name (such as
 * 'text_model.encoder.layers.0.self_attn.q_proj.weight'), in PyTorch layout.
 * When given, the encoder is frozen (named initializers, no parameters).
 */
export interface TextEncoderWeights {
  get(name: string): { data: Float32Array; shape: number[] } | undefined;
}

/** Graph parameter name of a Hugging Face tensor name: 'text_model.final_layer_norm.weight' -> 'text_encoder/text_model/final_layer_norm/weight'. */
export function textParameterName(huggingFaceName: string): string {
  return `${textEncoderScope}/${huggingFaceName.replaceAll('.', '/')}`;
}

/** Hugging Face tensor name of a graph parameter name, ignoring scopes outside 'text_encoder'; undefined for other names. */
export function huggingFaceName(parameterName: string): string | undefined {
  const parts = parameterName.split('/');
  const scopeIndex = parts.lastIndexOf(textEncoderScope);
  if (scopeIndex < 0 || scopeIndex === parts.length - 1) return undefined;
  return parts.slice(scopeIndex + 1).join('.');
}

/** Initial value of a trainable weight: a normal distribution of this standard deviation, or a constant. */
export type WeightInit = { normal: number } | { constant: number };

export interface TextWeightOptions {
  /** Accept a pretrained tensor with more rows than `shape` and keep its first rows (position tables longer than the context). */
  leadingRows?: boolean;
}

// Tensors already created per graph, by scoped name, so that several sentence
// batches encoded in one graph share one set of weights.
const createdWeights = new WeakMap<object, Map<string, Tensor>>();

/**
 * Returns the weight `name` of the current scope: a named initializer holding
 * the pretrained value when `weights` is given, else a trainable parameter
 * drawn from `init`. A second request for the same scoped name returns the
 * tensor of the first.
 */
export function textWeight(
  context: LayerContext,
  weights: TextEncoderWeights | undefined,
  name: string,
  shape: number[],
  init: WeightInit,
  options: TextWeightOptions = {},
): Tensor {
  const { graph } = context;
  const scopedName = graph.scopedName(name);
  let cache = createdWeights.get(graph);
  if (!cache) {
    cache = new Map();
    createdWeights.set(graph, cache);
  }

  const existing = cache.get(scopedName);
  if (existing) {
    requireShape(scopedName, existing.shape as number[], shape);
    return existing;
  }

  const tensor = weights ? frozenWeight(context, weights, scopedName, name, shape, options) : trainableWeight(context, name, shape, init);
  cache.set(scopedName, tensor);
  return tensor;
}

function frozenWeight(context: LayerContext, weights: TextEncoderWeights, scopedName: string, name: string, shape: number[], options: TextWeightOptions): Tensor {
  const sourceName = huggingFaceName(scopedName)!;
  const stored = weights.get(sourceName);
  if (!stored) {
    throw new ShapeError(`Text encoder tensor "${sourceName}" is missing from the weights (expected shape ${formatShape(shape)}); load a complete Hugging Face CLIP text checkpoint.`);
  }

  const size = shape.reduce((product, dim) => product * dim, 1);
  const rowsFit = options.leadingRows && stored.shape.length === shape.length && stored.shape[0] >= shape[0] && sameShape(stored.shape.slice(1), shape.slice(1));
  if (!rowsFit) requireShape(sourceName, stored.shape, shape);

  // Row-major storage makes the first rows a prefix of the data.
  const values = stored.data.length === size ? stored.data : stored.data.subarray(0, size);
  const data = context.dtype === 'float64' ? Float64Array.from(values) : values;
  return context.graph.initializer(name, context.dtype, shape, data);
}

function trainableWeight(context: LayerContext, name: string, shape: number[], init: WeightInit): Tensor {
  const size = shape.reduce((product, dim) => product * dim, 1);
  const data = context.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  if ('normal' in init) {
    for (let i = 0; i < size; i++) data[i] = init.normal * context.random.nextNormal();
  } else {
    data.fill(init.constant);
  }
  return context.graph.parameter(name, data, shape);
}

function requireShape(name: string, actual: readonly number[], expected: readonly number[]): void {
  if (!sameShape(actual, expected)) {
    throw new ShapeError(`Text encoder tensor "${name}" has shape ${formatShape(actual)} but the encoder options need ${formatShape(expected)}; pass options that match the checkpoint.`);
  }
}
