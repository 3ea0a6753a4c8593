import { GraphBuilder } from '../graph/graph-builder';
import { concat } from '../ops';
import type { LayerContext } from '../training/layers';
import { l2Normalize } from '../training/losses';
import { SeededRandom } from '../training/random';
import { imageProjection, retrievalHead } from './image-side';
import { implicitTokenTable, textScope, type ModelSpec } from './stage-graphs';
import { encodeSentences, implicitPromptFeatures } from './text-side';

/*
 * Inference graphs with the training graphs' parameter names, exported with
 * trained values by exportInferenceModel. Their first dimension is symbolic.
 */

function inferenceContext(name: string): LayerContext {
  return { graph: new GraphBuilder(name), random: new SeededRandom(0), dtype: 'float32' };
}

/**
 * Frozen-encoder feature 'features' [n, featureWidth] to 'embedding', the
 * retrieval feature (unit concatenation of the unit encoder feature and the
 * unit BN-neck output of u_M), and 'joint', the unit u_M feature for text search.
 */
export function imageHeadGraph(spec: ModelSpec): GraphBuilder {
  const context = inferenceContext('mpreid_image_head');
  const { graph } = context;
  const features = graph.input('features', 'float32', ['n', spec.featureWidth]);
  const joint = imageProjection(graph, features, { feature: spec.featureWidth, joint: spec.jointWidth }, spec.seed, true);
  const { neck } = retrievalHead(context, joint, spec.jointWidth, null);
  graph.output(l2Normalize(concat([l2Normalize(features), l2Normalize(neck)], 1)), 'embedding');
  graph.output(l2Normalize(joint), 'joint');
  return graph;
}

/** Sentences 'tokens' int64 [n, L] with end positions 'eos_index' int64 [n] to unit joint-space features 'joint'. */
export function textEncoderGraph(spec: ModelSpec): GraphBuilder {
  const context = inferenceContext('mpreid_text_encoder');
  const { graph } = context;
  const tokens = graph.input('tokens', 'int64', ['n', spec.text.options.contextLength]);
  const endIndex = graph.input('eos_index', 'int64', ['n']);
  graph.output(l2Normalize(graph.scope(textScope, () => encodeSentences(context, spec.text, tokens, endIndex))), 'joint');
  return graph;
}

/** Unit implicit prompt features 'implicit' [classes, d] of every training identity, from the stage-1 values. */
export function implicitFeaturesGraph(spec: ModelSpec): GraphBuilder {
  const context = inferenceContext('mpreid_implicit_prompts');
  const { graph } = context;
  const classes = graph.constant(Array.from({ length: spec.classes }, (_, i) => i), 'int64', [spec.classes]);
  const learned = implicitTokenTable(context, spec);
  graph.output(l2Normalize(graph.scope(textScope, () => implicitPromptFeatures(context, spec.text, spec.implicitTemplate, learned, classes))), 'implicit');
  return graph;
}
