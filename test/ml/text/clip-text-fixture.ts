import { SeededRandom } from '../../../main/ml/training/random';
import type { TextEncoderWeights, TextTransformerOptions } from '../../../main/ml/text/text-transformer';

/** A small encoder in the Hugging Face CLIP layout; a reduced vocabulary keeps fixture files small. */
export const smallOptions: TextTransformerOptions = { vocabularySize: 64, contextLength: 16, width: 32, layers: 2, heads: 2, outputWidth: 24 };

export interface FixtureTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Lists every tensor name and shape of a CLIP text checkpoint with these options, in PyTorch layout. */
export function clipTensorShapes(options: TextTransformerOptions): { name: string; shape: number[] }[] {
  const { vocabularySize, contextLength, width, outputWidth } = options;
  const shapes = [
    { name: 'text_model.embeddings.token_embedding.weight', shape: [vocabularySize, width] },
    { name: 'text_model.embeddings.position_embedding.weight', shape: [contextLength, width] },
  ];
  for (let layer = 0; layer < options.layers; layer++) {
    const prefix = `text_model.encoder.layers.${layer}`;
    for (const projection of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
      shapes.push({ name: `${prefix}.self_attn.${projection}.weight`, shape: [width, width] }, { name: `${prefix}.self_attn.${projection}.bias`, shape: [width] });
    }
    for (const norm of ['layer_norm1', 'layer_norm2']) {
      shapes.push({ name: `${prefix}.${norm}.weight`, shape: [width] }, { name: `${prefix}.${norm}.bias`, shape: [width] });
    }
    shapes.push(
      { name: `${prefix}.mlp.fc1.weight`, shape: [4 * width, width] },
      { name: `${prefix}.mlp.fc1.bias`, shape: [4 * width] },
      { name: `${prefix}.mlp.fc2.weight`, shape: [width, 4 * width] },
      { name: `${prefix}.mlp.fc2.bias`, shape: [width] },
    );
  }
  shapes.push({ name: 'text_model.final_layer_norm.weight', shape: [width] }, { name: 'text_model.final_layer_norm.bias', shape: [width] });
  shapes.push({ name: 'text_projection.weight', shape: [outputWidth, width] });
  return shapes;
}

/** Draws random weights: norms' scales near 1, everything else around 0 with a spread that keeps activations moderate. */
export function randomClipTensors(options: TextTransformerOptions, seed = 5): FixtureTensor[] {
  const random = new SeededRandom(seed);
  return clipTensorShapes(options).map(({ name, shape }) => {
    const size = shape.reduce((product, dim) => product * dim, 1);
    const isNormScale = name.includes('layer_norm') && name.endsWith('.weight');
    const spread = shape.length === 2 ? 1 / Math.sqrt(shape[1]) : 0.1;
    const data = Float32Array.from({ length: size }, () => (isNormScale ? 1 : 0) + spread * random.nextNormal());
    return { name, shape, data };
  });
}

export function weightsOf(tensors: readonly FixtureTensor[]): TextEncoderWeights {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  return { get: (name) => byName.get(name) };
}

/** Builds a token row: start token, `words` ids, end token, then zero padding, as CLIP's tokenizer pads. */
export function tokenRow(words: readonly number[], length: number, startToken: number, endToken: number): number[] {
  const row = new Array<number>(length).fill(0);
  [startToken, ...words, endToken].forEach((token, i) => (row[i] = token));
  return row;
}
