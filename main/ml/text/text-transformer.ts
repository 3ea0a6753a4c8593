import { ShapeError, ValidationError } from '../../errors';
import { formatShape } from '../graph/dims';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, cast, equal, gather, mul, reduceSum, slice, unsqueeze } from '../ops';
import type { LayerContext } from '../training/layers';
import { dense, encoderLayer, textLayerNorm, type TextLayerContext } from './text-layers';
import { textEncoderScope, textWeight, type TextEncoderWeights } from './text-weights';

export type { TextEncoderWeights } from './text-weights';

export interface TextTransformerOptions {
  /** Rows of the token embedding table (49408 for CLIP). */
  vocabularySize: number;
  /**
   * Tokens per sentence, start and end tokens included. CLIP uses 77. A
   * pretrained encoder also runs with fewer (its first position embeddings),
   * which gives the same features for sentences that fit and saves compute.
   */
  contextLength: number;
  /** Width of the residual stream (512 for CLIP ViT-B/16). */
  width: number;
  /** Encoder layers (12 for CLIP). */
  layers: number;
  /** Attention heads (8 for CLIP, so 64 channels per head). */
  heads: number;
  /** Width after the text projection (512 for CLIP ViT-B/16). */
  outputWidth: number;
}

/** Additive mask value above the diagonal. It is large enough that softmax gives those keys weight 0, and finite so gradients stay finite. */
const maskedScore = -1e9;

/** Initial standard deviations of trainable embedding tables, as in OpenAI's CLIP. */
const tokenEmbeddingStd = 0.02;
const positionEmbeddingStd = 0.01;

export function validateTextOptions(options: TextTransformerOptions): void {
  const fields: (keyof TextTransformerOptions)[] = ['vocabularySize', 'contextLength', 'width', 'layers', 'heads', 'outputWidth'];
  for (const field of fields) {
    if (!Number.isInteger(options[field]) || options[field] < 1) {
      throw new ValidationError(`Text encoder option ${field} is ${options[field]}; expected a positive integer.`);
    }
  }
  if (options.width % options.heads !== 0) {
    throw new ValidationError(`Text encoder width ${options.width} is not divisible by ${options.heads} heads; pick a width that is a multiple of the head count.`);
  }
}

function withWeights(context: LayerContext, weights: TextEncoderWeights | undefined): TextLayerContext {
  return { ...context, weights };
}

/**
 * Token embedding lookup: tokens int64 [n, L] -> [n, L, width]. Opens the
 * 'text_encoder' scope itself, so its table is named
 * 'text_encoder/text_model/embeddings/token_embedding/weight' (under any
 * scope the caller opened). The gradient goes to the table when it is trainable.
 */
export function embedTokens(context: LayerContext, tokens: Tensor, options: TextTransformerOptions, weights?: TextEncoderWeights): Tensor {
  validateTextOptions(options);
  if (tokens.dtype !== 'int64' || tokens.rank !== 2 || !fitsContext(tokens.shape[1], options)) {
    throw new ShapeError(`Text tokens ${tokens.name} are ${tokens.dtype} ${formatShape(tokens.shape)}; expected int64 [n, L] with L at most ${options.contextLength}.`);
  }

  const textContext = withWeights(context, weights);
  return context.graph.scope(textEncoderScope, () =>
    scopes(context.graph, ['text_model', 'embeddings', 'token_embedding'], () => {
      const table = textWeight(textContext, weights, 'weight', [options.vocabularySize, options.width], { normal: tokenEmbeddingStd });
      return gather(table, tokens, 0);
    }),
  );
}

/**
 * Adds positional embeddings to `embeddings` [n, L, width], runs the causal
 * pre-norm transformer and the final layer norm, takes the feature at each
 * row's end token (eosIndex int64 [n], positions 0..L-1) and applies the text
 * projection, returning [n, outputWidth]. Opens the 'text_encoder' scope
 * itself, with tensor names that mirror the Hugging Face CLIP names
 * (see textParameterName). Gradients flow into `embeddings`, so learnable
 * prompt token embeddings can be trained through a frozen encoder.
 */
export function encodeTokenEmbeddings(context: LayerContext, embeddings: Tensor, eosIndex: Tensor, options: TextTransformerOptions, weights?: TextEncoderWeights): Tensor {
  validateTextOptions(options);
  requireEncoderInputs(embeddings, eosIndex, options, context);
  const textContext = withWeights(context, weights);
  const { graph } = context;

  return graph.scope(textEncoderScope, () => {
    const features = graph.scope('text_model', () => {
      const table = scopes(graph, ['embeddings', 'position_embedding'], () =>
        textWeight(textContext, weights, 'weight', [options.contextLength, options.width], { normal: positionEmbeddingStd }, { leadingRows: true }),
      );
      // Causal attention makes a shorter batch exact: its positions are the table's first rows.
      const length = embeddings.shape[1] as number;
      const positions = length < options.contextLength ? slice(table, [0], [length], [0]) : table;
      let x = add(embeddings, positions);

      const causalMask = causalMaskConstant(graph, length, context.dtype);
      for (let layer = 0; layer < options.layers; layer++) {
        x = scopes(graph, ['encoder', 'layers', String(layer)], () => encoderLayer(textContext, x, { ...options, causalMask }));
      }

      const normalized = textLayerNorm(textContext, 'final_layer_norm', x, options.width);
      return selectEndTokens(normalized, eosIndex, length);
    });
    return dense(textContext, 'text_projection', features, options.width, options.outputWidth, options.width ** -0.5, { bias: false });
  });
}

function requireEncoderInputs(embeddings: Tensor, eosIndex: Tensor, options: TextTransformerOptions, context: LayerContext): void {
  const { contextLength, width } = options;
  if (embeddings.dtype !== context.dtype || embeddings.rank !== 3 || !fitsContext(embeddings.shape[1], options) || embeddings.shape[2] !== width) {
    throw new ShapeError(`Token embeddings ${embeddings.name} are ${embeddings.dtype} ${formatShape(embeddings.shape)}; expected ${context.dtype} [n, L, ${width}] with L at most ${contextLength}.`);
  }
  if (eosIndex.dtype !== 'int64' || eosIndex.rank !== 1 || eosIndex.shape[0] !== embeddings.shape[0]) {
    throw new ShapeError(`End-token positions ${eosIndex.name} are ${eosIndex.dtype} ${formatShape(eosIndex.shape)}; expected int64 [${embeddings.shape[0]}], one position per sentence.`);
  }
}

/** Checks that a sentence length is static and within the encoder's context. */
function fitsContext(length: Tensor['shape'][number], options: TextTransformerOptions): boolean {
  return typeof length === 'number' && length >= 1 && length <= options.contextLength;
}

/** Runs `build` inside nested scopes, outermost first. */
function scopes<T>(graph: GraphBuilder, names: readonly string[], build: () => T): T {
  if (names.length === 0) return build();
  return graph.scope(names[0], () => scopes(graph, names.slice(1), build));
}

const causalMasks = new WeakMap<GraphBuilder, Map<string, Tensor>>();

/** Returns the [L, L] additive causal mask, built once per graph, length and dtype. */
function causalMaskConstant(graph: GraphBuilder, length: number, dtype: LayerContext['dtype']): Tensor {
  const key = `${dtype}:${length}`;
  let masks = causalMasks.get(graph);
  if (!masks) {
    masks = new Map();
    causalMasks.set(graph, masks);
  }
  let mask = masks.get(key);
  if (!mask) {
    const values = new Array<number>(length * length).fill(0);
    for (let query = 0; query < length; query++) {
      for (let key = query + 1; key < length; key++) values[query * length + key] = maskedScore;
    }
    mask = graph.constant(values, dtype, [length, length]);
    masks.set(key, mask);
  }
  return mask;
}

/**
 * Picks x[i, eosIndex[i], :] from x [n, L, width] as a one-hot weighted sum
 * over positions, which works for a batch size known only at run time and
 * passes gradients to x.
 */
function selectEndTokens(x: Tensor, eosIndex: Tensor, length: number): Tensor {
  // NOTE: a position outside 0..L-1 selects nothing and yields a zero feature rather than an error.
  const positions = x.graph.constant(Array.from({ length }, (_, i) => i), 'int64', [1, length]);
  const oneHot = cast(equal(unsqueeze(eosIndex, [1]), positions), x.dtype as LayerContext['dtype']);
  return reduceSum(mul(x, unsqueeze(oneHot, [2])), [1]);
}
