import type { Tensor } from '../graph/tensor';
import type { GraphBuilder } from '../graph/graph-builder';
import { add, concat, expand, gather, matMul, slice } from '../ops';
import { embedTokens, encodeTokenEmbeddings, type TextEncoderWeights, type TextTransformerOptions } from '../text/text-transformer';
import { uniformWeight, type LayerContext } from '../training/layers';

/** Token table rows of CLIP's byte-pair vocabulary, start and end tokens included. */
export const clipVocabularySize = 49408;

/** The text encoder of a run: its shape, and pretrained frozen weights or none (trained from scratch). */
export interface TextSide {
  options: TextTransformerOptions;
  weights?: TextEncoderWeights;
  /** Width of the joint image-text space that u_P projects into. */
  jointWidth: number;
  /**
   * For an encoder trained from scratch: the row of each CLIP token id in its
   * smaller embedding table, 0 for tokens never seen in training. Training
   * and updating all 49,408 rows of CLIP's table for the few hundred words
   * that ReID prompts use would dominate each step.
   */
  tokenRows?: Int32Array;
}

/** Token table rows of the run's text encoder for CLIP token ids (int64 tensor or plain ids). */
function tableRows(context: LayerContext, text: TextSide, tokens: Tensor): Tensor {
  if (!text.tokenRows) return tokens;
  const lookup = context.graph.constant(text.tokenRows, 'int64', [text.tokenRows.length]);
  return gather(lookup, tokens, 0);
}

/**
 * Compact vocabulary for a scratch encoder: row 0 for unseen tokens, then one
 * row per distinct token id in `sentences`, in ascending id order.
 */
export function compactTokenRows(sentences: readonly (readonly number[])[]): { tokenRows: Int32Array; size: number } {
  const used = [...new Set(sentences.flat())].sort((a, b) => a - b);
  const tokenRows = new Int32Array(clipVocabularySize);
  used.forEach((id, index) => (tokenRows[id] = index + 1));
  return { tokenRows, size: used.length + 1 };
}

export function scratchTextOptions(width: number, layers: number, heads: number, contextLength: number): TextTransformerOptions {
  return { vocabularySize: clipVocabularySize, contextLength, width, layers, heads, outputWidth: width };
}

/**
 * Text encoder output projected into the joint space by u_P. The projection
 * is always trained, so a frozen CLIP encoder still adapts to the image side.
 */
export function encodeEmbeddedText(context: LayerContext, text: TextSide, embeddings: Tensor, endIndex: Tensor): Tensor {
  const encoded = encodeTokenEmbeddings(context, embeddings, endIndex, text.options, text.weights);
  const { weight, bias } = promptProjection(context, text);
  return add(matMul(encoded, weight), bias);
}

// u_P of each graph by scoped name, so that several sentence groups encoded in one graph share it.
const projections = new WeakMap<GraphBuilder, Map<string, { weight: Tensor; bias: Tensor }>>();

function promptProjection(context: LayerContext, text: TextSide): { weight: Tensor; bias: Tensor } {
  const { graph } = context;
  const key = graph.scopedName('prompt_projection');
  const byName = projections.get(graph) ?? new Map<string, { weight: Tensor; bias: Tensor }>();
  projections.set(graph, byName);
  if (!byName.has(key)) {
    const created = graph.scope('prompt_projection', () => ({
      weight: uniformWeight(context, 'weight', [text.options.outputWidth, text.jointWidth], text.options.outputWidth),
      bias: uniformWeight(context, 'bias', [text.jointWidth], text.options.outputWidth),
    }));
    byName.set(key, created);
  }
  return byName.get(key)!;
}

/** Features of tokenized sentences [S, L] with end positions [S], in the joint space: [S, jointWidth]. */
export function encodeSentences(context: LayerContext, text: TextSide, tokens: Tensor, endIndex: Tensor): Tensor {
  return encodeEmbeddedText(context, text, embedTokens(context, tableRows(context, text, tokens), text.options, text.weights), endIndex);
}

/**
 * Implicit prompt features of the identities `classes` (int64 [n]): the
 * template's token embeddings with the learnable positions replaced by each
 * identity's rows of `learned` [classes, T, width], encoded and projected.
 * The learnable positions must be consecutive, as in "A photo of a X X X X person.".
 */
export function implicitPromptFeatures(context: LayerContext, text: TextSide, template: { tokens: number[]; learnablePositions: number[] }, learned: Tensor, classes: Tensor): Tensor {
  const { graph } = context;
  const n = classes.shape[0] as number;
  const length = template.tokens.length;
  const width = text.options.width;
  const first = template.learnablePositions[0];
  const count = template.learnablePositions.length;

  const padded = new Array(length).fill(0);
  template.tokens.forEach((token, position) => (padded[position] = text.tokenRows ? text.tokenRows[token] : token));
  const templateEmbeddings = embedTokens(context, graph.constant(padded, 'int64', [1, length]), text.options, text.weights);
  const perIdentity = expand(templateEmbeddings, [n, length, width]);

  const prefix = slice(perIdentity, [0], [first], [1]);
  const suffix = slice(perIdentity, [first + count], [length], [1]);
  const embeddings = concat([prefix, gather(learned, classes, 0), suffix], 1);

  const endIndex = graph.constant(new Array(n).fill(template.tokens.length - 1), 'int64', [n]);
  return encodeEmbeddedText(context, text, embeddings, endIndex);
}
