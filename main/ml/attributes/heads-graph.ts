import { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, cast, div, equal, logSoftmax, maximum, mul, neg, reduceSum, softmax, sub, unsqueeze } from '../ops';
import { linear, type LayerContext } from '../training/layers';
import { SeededRandom } from '../training/random';
import { buildTrainingStep, type TrainingStep } from '../training/step-graph';

export const featureInput = 'features';

/** Input of the training step with the class of each batch row for one head; -1 marks rows without a label. */
export function labelInput(headName: string): string {
  return `labels/${headName}`;
}

/** Output of the inference graph with one head's class probabilities [batch, classes]. */
export function probabilityOutput(headName: string): string {
  return `attributes/${headName}`;
}

export interface HeadsGraphOptions {
  featureWidth: number;
  heads: readonly { name: string; classes: number }[];
  /** Per-feature mean and standard deviation of the training features; the graph standardises its input with them. */
  featureMean: Float32Array;
  featureStd: Float32Array;
  seed: number;
}

/** Builds the standardisation and one linear classifier per head; returns the logits of each head by name. */
function buildLogits(graph: GraphBuilder, features: Tensor, options: HeadsGraphOptions): Map<string, Tensor> {
  const context: LayerContext = { graph, random: new SeededRandom(options.seed), dtype: 'float32' };
  const width = options.featureWidth;
  const mean = graph.initializer('feature_mean', 'float32', [width], options.featureMean);
  const std = graph.initializer('feature_std', 'float32', [width], options.featureStd);
  const standardised = div(sub(features, mean), std);

  const logits = new Map<string, Tensor>();
  for (const head of options.heads) logits.set(head.name, linear(context, head.name, standardised, width, head.classes));
  return logits;
}

/**
 * Mean cross-entropy over the rows that have a label. A row labelled -1
 * matches no class, so its one-hot target and its loss are zero and it is
 * left out of the count. A batch without any label gives a loss of 0.
 */
function maskedCrossEntropy(logits: Tensor, labels: Tensor, classes: number): Tensor {
  const classIndices = logits.graph.int64Vector(Array.from({ length: classes }, (_, i) => i));
  const oneHot = cast(equal(unsqueeze(labels, [1]), classIndices), 'float32');
  const rowLosses = neg(reduceSum(mul(oneHot, logSoftmax(logits, 1)), [1]));
  return div(reduceSum(rowLosses), maximum(reduceSum(oneHot), 1));
}

/** Builds one AdamW step over a batch of `batchSize` rows; the loss is the sum of the heads' losses. */
export function buildHeadsTrainingStep(options: HeadsGraphOptions, batchSize: number, weightDecay: number): TrainingStep {
  const graph = new GraphBuilder('attribute_heads');
  const features = graph.input(featureInput, 'float32', [batchSize, options.featureWidth]);
  const logits = buildLogits(graph, features, options);

  const losses: Record<string, Tensor> = {};
  for (const head of options.heads) {
    const labels = graph.input(labelInput(head.name), 'int64', [batchSize]);
    losses[head.name] = maskedCrossEntropy(logits.get(head.name)!, labels, head.classes);
  }
  const total = Object.values(losses).reduce((sum, loss) => add(sum, loss));
  return buildTrainingStep({ graph, loss: total, optimizer: { type: 'adamw', weightDecay }, maxGradientNorm: 5 });
}

/**
 * Builds the inference graph with the same parameter names: input
 * 'features' [batch, width], and per head an output of class probabilities.
 */
export function buildHeadsInference(options: HeadsGraphOptions): { graph: GraphBuilder; probabilities: Map<string, Tensor> } {
  const graph = new GraphBuilder('attribute_heads');
  const features = graph.input(featureInput, 'float32', ['batch', options.featureWidth]);
  const probabilities = new Map<string, Tensor>();
  for (const [name, logits] of buildLogits(graph, features, options)) {
    probabilities.set(name, graph.output(softmax(logits, 1), probabilityOutput(name)));
  }
  return { graph, probabilities };
}
