import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, matMul } from '../ops';
import { batchNormNeck, uniformWeight, type BatchNormState, type LayerContext } from '../training/layers';
import { SeededRandom } from '../training/random';

/**
 * Initial u_M: uniform in +-1/sqrt(featureWidth), drawn from its own
 * generator so that stage 1 (where u_M is frozen) and stage 2 (where it
 * trains) start from the same projection whatever else each graph creates.
 */
function projectionStart(seed: number, featureWidth: number, jointWidth: number): Float32Array {
  const random = new SeededRandom(seed ^ 0x5eed);
  const bound = 1 / Math.sqrt(featureWidth);
  return Float32Array.from({ length: featureWidth * jointWidth }, () => (2 * random.nextFloat() - 1) * bound);
}

/** u_M: frozen-encoder features [n, featureWidth] to the joint space [n, jointWidth]. Trainable, or a constant in stage 1. */
export function imageProjection(graph: GraphBuilder, features: Tensor, widths: { feature: number; joint: number }, seed: number, trainable: boolean): Tensor {
  return graph.scope('image_projection', () => {
    const start = projectionStart(seed, widths.feature, widths.joint);
    const shape = [widths.feature, widths.joint];
    const weight = trainable ? graph.parameter('weight', start, shape) : graph.constant(start, 'float32', shape);
    const bias = trainable ? graph.parameter('bias', new Float32Array(widths.joint), [widths.joint], { weightDecay: false }) : graph.constant(new Float32Array(widths.joint), 'float32', [widths.joint]);
    return add(matMul(features, weight), bias);
  });
}

export interface RetrievalHead {
  /** The BN-neck output, which the identity classifier reads. */
  neck: Tensor;
  neckState: BatchNormState;
  /** Identity logits [n, classes] (L_id); absent in inference graphs. */
  logits?: Tensor;
}

/** BN-neck on u_M's output and, when training, the identity classifier behind it (Luo et al. 2019). */
export function retrievalHead(context: LayerContext, joint: Tensor, jointWidth: number, classes: number | null): RetrievalHead {
  const training = classes !== null;
  const neck = batchNormNeck(context, 'neck', joint, jointWidth, training);
  if (!training) return { neck: neck.output, neckState: neck.state };
  const logits = context.graph.scope('identity_classifier', () => matMul(neck.output, uniformWeight(context, 'weight', [jointWidth, classes], jointWidth)));
  return { neck: neck.output, neckState: neck.state, logits };
}
