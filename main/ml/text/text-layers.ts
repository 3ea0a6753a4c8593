import type { Tensor } from '../graph/tensor';
import { add, flattenToMatrix, gemm, layerNormalization, matMul, mul, quickGelu, reshape, softmax, transpose } from '../ops';
import type { LayerContext } from '../training/layers';
import { textWeight, type TextEncoderWeights } from './text-weights';

/** Weights of the layers below: pretrained ones, or absent for a trainable encoder. */
export interface TextLayerContext extends LayerContext {
  weights?: TextEncoderWeights;
}

/**
 * y = x W^T + b over the last axis, with W in PyTorch's Linear layout
 * [out, in], so a Hugging Face checkpoint loads without transposing.
 */
export function dense(context: TextLayerContext, name: string, x: Tensor, inFeatures: number, outFeatures: number, std: number, options: { bias?: boolean } = {}): Tensor {
  return context.graph.scope(name, () => {
    const weight = textWeight(context, context.weights, 'weight', [outFeatures, inFeatures], { normal: std });
    const bias = options.bias === false ? undefined : textWeight(context, context.weights, 'bias', [outFeatures], { constant: 0 });

    // Gemm takes matrices: fold the leading axes into rows and unfold them after.
    const rows = x.rank === 2 ? x : flattenToMatrix(x);
    const product = gemm(rows, weight, bias, { transB: true });
    return x.rank === 2 ? product : reshape(product, [...x.shape.slice(0, -1), outFeatures]);
  });
}

export function textLayerNorm(context: TextLayerContext, name: string, x: Tensor, width: number): Tensor {
  return context.graph.scope(name, () => {
    const scale = textWeight(context, context.weights, 'weight', [width], { constant: 1 });
    const bias = textWeight(context, context.weights, 'bias', [width], { constant: 0 });
    return layerNormalization(x, scale, bias, { epsilon: 1e-5 });
  });
}

export interface EncoderLayerOptions {
  width: number;
  heads: number;
  layers: number;
  /** Additive [L, L] mask: 0 on and below the diagonal, a large negative value above. */
  causalMask: Tensor;
}

/**
 * Initial standard deviations of a trainable encoder, as in OpenAI's CLIP:
 * projections into the residual stream shrink with depth.
 */
function initialStd({ width, layers }: EncoderLayerOptions) {
  return {
    attentionIn: width ** -0.5 * (2 * layers) ** -0.5,
    attentionOut: width ** -0.5,
    mlpIn: (2 * width) ** -0.5,
    mlpOut: width ** -0.5 * (2 * layers) ** -0.5,
  };
}

/** Applies masked multi-head self-attention to x [n, L, width]: softmax(Q K^T / sqrt(d) + mask) V per head, then out_proj. */
function causalSelfAttention(context: TextLayerContext, x: Tensor, options: EncoderLayerOptions): Tensor {
  return context.graph.scope('self_attn', () => {
    const { width, heads } = options;
    const headWidth = width / heads;
    const tokens = x.shape[1];
    const std = initialStd(options);
    const splitHeads = (t: Tensor) => transpose(reshape(t, [0, 0, heads, headWidth]), [0, 2, 1, 3]);

    const query = splitHeads(dense(context, 'q_proj', x, width, width, std.attentionIn));
    const key = splitHeads(dense(context, 'k_proj', x, width, width, std.attentionIn));
    const value = splitHeads(dense(context, 'v_proj', x, width, width, std.attentionIn));

    const scores = add(mul(matMul(query, transpose(key, [0, 1, 3, 2])), 1 / Math.sqrt(headWidth)), options.causalMask);
    const attended = matMul(softmax(scores, -1), value);
    const merged = reshape(transpose(attended, [0, 2, 1, 3]), [0, tokens, width]);
    return dense(context, 'out_proj', merged, width, width, std.attentionOut);
  });
}

/** Applies one pre-norm block, named like Hugging Face's CLIPEncoderLayer: x + attn(ln1(x)), then x + fc2(QuickGELU(fc1(ln2(x)))). */
export function encoderLayer(context: TextLayerContext, x: Tensor, options: EncoderLayerOptions): Tensor {
  const { width } = options;
  const std = initialStd(options);

  const attention = causalSelfAttention(context, textLayerNorm(context, 'layer_norm1', x, width), options);
  const afterAttention = add(x, attention);

  const normalized = textLayerNorm(context, 'layer_norm2', afterAttention, width);
  const mlp = context.graph.scope('mlp', () => {
    const hidden = quickGelu(dense(context, 'fc1', normalized, width, 4 * width, std.mlpIn));
    return dense(context, 'fc2', hidden, 4 * width, width, std.mlpOut);
  });
  return add(afterAttention, mlp);
}
