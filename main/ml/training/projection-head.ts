import { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, matMul } from '../ops';
import { batchNormNeck, uniformWeight, type LayerContext } from './layers';
import { batchHardTripletLoss, crossEntropy } from './losses';
import type { OptimizerConfig } from './optimizers';
import { SeededRandom } from './random';
import { buildTrainingStep, type TrainingStep } from './step-graph';

/**
 * A ReID head trained on frozen encoder features: a linear projection, a
 * BN-neck and an identity classifier (Luo et al. 2019, "Bag of Tricks").
 * The triplet loss takes the projection and the classifier takes the BN output.
 */
export interface ProjectionHeadOptions {
  featureWidth: number;
  projectionWidth: number;
  classes: number;
  batch: number;
  labelSmoothing?: number;
  tripletMargin?: number;
  /** When set, the projection starts at the identity plus uniform noise scaled by this factor, so training starts from the frozen features. */
  identityStart?: number;
  seed?: number;
}

function projection(context: LayerContext, features: Tensor, options: ProjectionHeadOptions): Tensor {
  return context.graph.scope('projection', () => {
    const { featureWidth, projectionWidth } = options;
    const bound = 1 / Math.sqrt(featureWidth);
    const noiseScale = options.identityStart ?? 1;
    const values = new Float32Array(featureWidth * projectionWidth);
    for (let i = 0; i < values.length; i++) values[i] = (2 * context.random.nextFloat() - 1) * bound * noiseScale;
    if (options.identityStart !== undefined) {
      for (let i = 0; i < Math.min(featureWidth, projectionWidth); i++) values[i * projectionWidth + i] += 1;
    }
    const weight = context.graph.parameter('weight', values, [featureWidth, projectionWidth]);
    const bias = context.graph.parameter('bias', new Float32Array(projectionWidth), [projectionWidth], { weightDecay: false });
    return add(matMul(features, weight), bias);
  });
}

function headContext(graph: GraphBuilder, options: ProjectionHeadOptions): LayerContext {
  return { graph, random: new SeededRandom(options.seed ?? 1), dtype: 'float32' };
}

export function buildProjectionHeadStep(options: ProjectionHeadOptions, optimizer: OptimizerConfig, maxGradientNorm?: number): TrainingStep {
  const graph = new GraphBuilder('projection_head');
  const context = headContext(graph, options);
  const features = graph.input('features', 'float32', [options.batch, options.featureWidth]);
  const labels = graph.input('labels', 'int64', [options.batch]);

  const projected = projection(context, features, options);
  const neck = batchNormNeck(context, 'neck', projected, options.projectionWidth, true);
  const logits = graph.scope('classifier', () => matMul(neck.output, uniformWeight(context, 'weight', [options.projectionWidth, options.classes], options.projectionWidth)));

  const identityLoss = crossEntropy(logits, labels, options.labelSmoothing ?? 0.1);
  const tripletLoss = batchHardTripletLoss(projected, labels, options.tripletMargin ?? 0.3);
  const bufferUpdates = [
    { buffer: neck.state.runningMean, updated: neck.state.updatedMean! },
    { buffer: neck.state.runningVariance, updated: neck.state.updatedVariance! },
  ];
  return buildTrainingStep({
    graph,
    loss: add(identityLoss, tripletLoss),
    metrics: { identity: identityLoss, triplet: tripletLoss },
    bufferUpdates,
    optimizer,
    maxGradientNorm,
  });
}

/**
 * Builds the inference graph of the same head: input 'features' [batch, width],
 * outputs 'projection' (the projected feature) and 'embedding' (after the
 * BN-neck, the usual retrieval feature of BNNeck models).
 */
export function buildProjectionHeadInference(options: ProjectionHeadOptions): GraphBuilder {
  const graph = new GraphBuilder('projection_head');
  const context = headContext(graph, options);
  const features = graph.input('features', 'float32', ['batch', options.featureWidth]);
  const projected = projection(context, features, options);
  const neck = batchNormNeck(context, 'neck', projected, options.projectionWidth, false);
  graph.output(projected, 'projection');
  graph.output(neck.output, 'embedding');
  return graph;
}
