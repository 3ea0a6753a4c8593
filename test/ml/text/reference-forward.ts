import type { TextEncoderWeights, TextTransformerOptions } from '../../../main/ml/text/text-transformer';

/** Plain float64 forward pass of the CLIP text encoder, written from the architecture, independent of the graph code. */
type Matrix = number[][];

function tensor(weights: TextEncoderWeights, name: string): Float32Array {
  const stored = weights.get(name);
  if (!stored) throw new Error(`fixture lacks ${name}`);
  return stored.data;
}

/** Rows x [T, in] times a PyTorch Linear weight [out, in], plus bias. */
function linearRows(x: Matrix, weight: Float32Array, bias: Float32Array | undefined, outFeatures: number): Matrix {
  const inFeatures = x[0].length;
  return x.map((row) =>
    Array.from({ length: outFeatures }, (_, o) => {
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < inFeatures; i++) sum += row[i] * weight[o * inFeatures + i];
      return sum;
    }),
  );
}

function layerNormRows(x: Matrix, scale: Float32Array, bias: Float32Array): Matrix {
  return x.map((row) => {
    const mean = row.reduce((sum, value) => sum + value, 0) / row.length;
    const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0) / row.length;
    return row.map((value, i) => ((value - mean) / Math.sqrt(variance + 1e-5)) * scale[i] + bias[i]);
  });
}

function attentionRows(x: Matrix, weights: TextEncoderWeights, prefix: string, options: TextTransformerOptions): Matrix {
  const { width, heads } = options;
  const project = (name: string) => linearRows(x, tensor(weights, `${prefix}.${name}.weight`), tensor(weights, `${prefix}.${name}.bias`), width);
  const [q, k, v] = [project('q_proj'), project('k_proj'), project('v_proj')];
  const headWidth = width / heads;
  const merged: Matrix = x.map(() => new Array(width).fill(0));

  for (let h = 0; h < heads; h++) {
    const offset = h * headWidth;
    for (let t = 0; t < x.length; t++) {
      // Causal: position t attends to keys 0..t only.
      const scores = Array.from({ length: t + 1 }, (_, s) => {
        let dot = 0;
        for (let d = 0; d < headWidth; d++) dot += q[t][offset + d] * k[s][offset + d];
        return dot / Math.sqrt(headWidth);
      });
      const max = Math.max(...scores);
      const exps = scores.map((score) => Math.exp(score - max));
      const total = exps.reduce((sum, value) => sum + value, 0);
      for (let s = 0; s <= t; s++) {
        for (let d = 0; d < headWidth; d++) merged[t][offset + d] += (exps[s] / total) * v[s][offset + d];
      }
    }
  }
  return linearRows(merged, tensor(weights, `${prefix}.out_proj.weight`), tensor(weights, `${prefix}.out_proj.bias`), width);
}

const addRows = (a: Matrix, b: Matrix): Matrix => a.map((row, t) => row.map((value, i) => value + b[t][i]));

/** Final-layer-norm features of every position of one sentence, from its input embeddings [L][width]. */
export function referenceHiddenStates(inputEmbeddings: Matrix, weights: TextEncoderWeights, options: TextTransformerOptions): Matrix {
  const { width } = options;
  const positions = tensor(weights, 'text_model.embeddings.position_embedding.weight');
  let x = inputEmbeddings.map((row, t) => row.map((value, i) => value + positions[t * width + i]));

  for (let layer = 0; layer < options.layers; layer++) {
    const prefix = `text_model.encoder.layers.${layer}`;
    const norm1 = layerNormRows(x, tensor(weights, `${prefix}.layer_norm1.weight`), tensor(weights, `${prefix}.layer_norm1.bias`));
    x = addRows(x, attentionRows(norm1, weights, `${prefix}.self_attn`, options));

    const norm2 = layerNormRows(x, tensor(weights, `${prefix}.layer_norm2.weight`), tensor(weights, `${prefix}.layer_norm2.bias`));
    const hidden = linearRows(norm2, tensor(weights, `${prefix}.mlp.fc1.weight`), tensor(weights, `${prefix}.mlp.fc1.bias`), 4 * width);
    const activated = hidden.map((row) => row.map((value) => value / (1 + Math.exp(-1.702 * value))));
    x = addRows(x, linearRows(activated, tensor(weights, `${prefix}.mlp.fc2.weight`), tensor(weights, `${prefix}.mlp.fc2.bias`), width));
  }
  return layerNormRows(x, tensor(weights, 'text_model.final_layer_norm.weight'), tensor(weights, 'text_model.final_layer_norm.bias'));
}

/** Token embeddings [L][width] of one sentence of token ids. */
export function referenceTokenEmbeddings(tokens: readonly number[], weights: TextEncoderWeights, options: TextTransformerOptions): Matrix {
  const table = tensor(weights, 'text_model.embeddings.token_embedding.weight');
  return tokens.map((token) => Array.from(table.subarray(token * options.width, (token + 1) * options.width)));
}

/** Projected text feature [outputWidth] of one sentence, taken at position `eosIndex`. */
export function referenceTextFeature(tokens: readonly number[], eosIndex: number, weights: TextEncoderWeights, options: TextTransformerOptions): number[] {
  const hidden = referenceHiddenStates(referenceTokenEmbeddings(tokens, weights, options), weights, options);
  return linearRows([hidden[eosIndex]], tensor(weights, 'text_projection.weight'), undefined, options.outputWidth)[0];
}
