import type { Tensor } from '../graph/tensor';
import { add, concat, expand, gelu, matMul, mul, reshape, slice, softmax, transpose } from '../ops';
import { layerNorm, linear, transformerBlock, uniformWeight, type LayerContext } from '../training/layers';

/** Attention heads of the fusion layers; the joint width must be a multiple. */
export const fusionHeads = 4;

/**
 * Cross-attention for one explicit prompt kind. The prompt feature [n, d] is
 * the query, and the image tokens [n, t, d] followed by the prompt feature are
 * the keys and values. A frozen CNN encoder gives one pooled image token (t = 1),
 * where a ViT would give its patch tokens. The output adds to the prompt feature.
 */
export function promptCrossAttention(context: LayerContext, name: string, prompt: Tensor, imageTokens: Tensor, width: number): Tensor {
  return context.graph.scope(name, () => {
    const [n, t] = imageTokens.shape as number[];
    const headWidth = width / fusionHeads;
    const heads = (x: Tensor, tokens: number) => transpose(reshape(x, [n, tokens, fusionHeads, headWidth]), [0, 2, 1, 3]);

    const normalized = layerNorm(context, 'norm', prompt, width);
    const sequence = concat([imageTokens, reshape(normalized, [n, 1, width])], 1);
    const query = heads(linear(context, 'query', normalized, width, width), 1);
    const key = heads(linear(context, 'key', sequence, width, width), t + 1);
    const value = heads(linear(context, 'value', sequence, width, width), t + 1);

    const scores = mul(matMul(query, transpose(key, [0, 1, 3, 2])), 1 / Math.sqrt(headWidth));
    const attended = reshape(transpose(matMul(softmax(scores, -1), value), [0, 2, 1, 3]), [n, width]);
    return add(prompt, linear(context, 'output', attended, width, width));
  });
}

/** f_e = MLP(concat(f_c', f_v', ...)): fuses the attended features of the explicit prompt kinds into one [n, d]. */
export function fuseExplicitPrompts(context: LayerContext, attended: readonly Tensor[], width: number): Tensor {
  return context.graph.scope('prompt_fusion', () => {
    const joined = attended.length === 1 ? attended[0] : concat([...attended], 1);
    const hidden = gelu(linear(context, 'hidden', joined, width * attended.length, width * 2));
    return linear(context, 'output', hidden, width * 2, width);
  });
}

/**
 * Multimodal transformer over [CLS, f_e, f_m] (f_m the image feature in the
 * joint space); returns the CLS output's identity logits [n, classes] (L_cls).
 */
export function multimodalClassifier(context: LayerContext, explicit: Tensor, image: Tensor, width: number, classes: number): Tensor {
  return context.graph.scope('multimodal', () => {
    const n = image.shape[0] as number;
    const cls = context.graph.parameter('cls_token', Float32Array.from({ length: width }, () => 0.02 * context.random.nextNormal()), [1, 1, width], { weightDecay: false });
    const sequence = concat([expand(cls, [n, 1, width]), reshape(explicit, [n, 1, width]), reshape(image, [n, 1, width])], 1);

    const encoded = transformerBlock(context, 'block', sequence, { width, heads: fusionHeads, mlpWidth: width * 2, activation: 'quick_gelu' });
    const clsOutput = layerNorm(context, 'norm', reshape(slice(encoded, [0], [1], [1]), [n, width]), width);
    return matMul(clsOutput, uniformWeight(context, 'classifier', [width, classes], width));
  });
}
