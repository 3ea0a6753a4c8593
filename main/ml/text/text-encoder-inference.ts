import { GraphBuilder } from '../graph/graph-builder';
import { serializeGraph } from '../graph/serialize';
import { exportInferenceModel } from '../training/export';
import { SeededRandom } from '../training/random';
import { embedTokens, encodeTokenEmbeddings, type TextEncoderWeights, type TextTransformerOptions } from './text-transformer';

/** Weights of an exported text encoder: pretrained ones, or the values of a trained encoder by graph parameter name. */
export type TextEncoderSource = { weights: TextEncoderWeights } | { trainedValues: ReadonlyMap<string, Float32Array | Float64Array> };

/**
 * Builds a float32 ONNX model of the text encoder with inputs 'tokens' int64
 * [batch, contextLength] and 'eos_index' int64 [batch], and output
 * 'text_feature' float32 [batch, outputWidth]. Trained values must use the
 * names of an encoder built outside any other scope ('text_encoder/...').
 */
export function buildTextEncoderInference(options: TextTransformerOptions, source: TextEncoderSource, metadata: Record<string, string> = {}): Uint8Array {
  const graph = new GraphBuilder('text_encoder');
  // The generator only fills initial values, which the trained values replace.
  const context = { graph, random: new SeededRandom(0), dtype: 'float32' as const };
  const weights = 'weights' in source ? source.weights : undefined;

  const tokens = graph.input('tokens', 'int64', ['batch', options.contextLength]);
  const eosIndex = graph.input('eos_index', 'int64', ['batch']);
  const feature = encodeTokenEmbeddings(context, embedTokens(context, tokens, options, weights), eosIndex, options, weights);
  graph.output(feature, 'text_feature');

  if ('trainedValues' in source) return exportInferenceModel(graph, source.trainedValues, metadata);
  return serializeGraph(graph, { parameters: 'initializers', metadata });
}
