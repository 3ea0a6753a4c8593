import { ValidationError } from '../../errors';
import { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { add, clip, div, gather, mul, reduceSum, reshape, expand } from '../ops';
import type { LayerContext } from '../training/layers';
import { batchHardTripletLoss, crossEntropy, l2Normalize } from '../training/losses';
import type { OptimizerConfig } from '../training/optimizers';
import { SeededRandom } from '../training/random';
import { buildTrainingStep, type TrainingStep } from '../training/step-graph';
import { imageToPromptLoss, implicitPromptCrossEntropy, promptToImageLoss } from './alignment-losses';
import { fuseExplicitPrompts, multimodalClassifier, promptCrossAttention } from './explicit-fusion';
import { imageProjection, retrievalHead } from './image-side';
import { singleSentenceKinds, type PromptTable } from './prompt-table';
import { encodeSentences, implicitPromptFeatures, type TextSide } from './text-side';
import type { LossWeights } from './training-types';

/** The inputs both stages' graphs are built from; fixed for a run, so a resumed run rebuilds the same graphs. */
export interface ModelSpec {
  featureWidth: number;
  jointWidth: number;
  classes: number;
  identitiesPerBatch: number;
  imagesPerIdentity: number;
  text: TextSide;
  implicitTemplate: { tokens: number[]; learnablePositions: number[] };
  /** Explicit prompts; null when the run uses the implicit prompt only. */
  table: PromptTable | null;
  /** Rows of each sentence group fed per batch. */
  capacity: { single: number; vqa: number };
  lossWeights: LossWeights;
  seed: number;
}

/** Scope of the text encoder and u_P in every graph, so trained values carry over by name. */
export const textScope = 'text';

const labelSmoothing = 0.1;
const tripletMargin = 0.3;
/** Global gradient norm above which gradients are scaled down, against rare large steps of the contrastive terms. */
const maxGradientNorm = 5;

function batchSize(spec: ModelSpec): number {
  return spec.identitiesPerBatch * spec.imagesPerIdentity;
}

function newContext(name: string, seed: number): LayerContext {
  return { graph: new GraphBuilder(name), random: new SeededRandom(seed), dtype: 'float32' };
}

/** Creates the learnable implicit prompt tokens of every training identity, [classes, T, width]. */
export function implicitTokenTable(context: LayerContext, spec: ModelSpec): Tensor {
  const { width } = spec.text.options;
  const count = spec.implicitTemplate.learnablePositions.length;
  const start = Float32Array.from({ length: spec.classes * count * width }, () => 0.02 * context.random.nextNormal());
  return context.graph.parameter('implicit_tokens', start, [spec.classes, count, width], { weightDecay: false });
}

/**
 * Builds the stage-1 step, which learns each identity's implicit prompt tokens
 * with image-to-text and text-to-image contrastive losses against the frozen
 * image features (u_M frozen too). A text encoder trained from scratch learns
 * along, because it has nothing pretrained to keep. A CLIP encoder stays frozen.
 * Inputs: 'features' [P*K, featureWidth], 'batch_classes' int64 [P].
 */
export function buildStage1Step(spec: ModelSpec, optimizer: OptimizerConfig): TrainingStep {
  const context = newContext('mpreid_stage1', spec.seed);
  const { graph } = context;
  const features = graph.input('features', 'float32', [batchSize(spec), spec.featureWidth]);
  const batchClasses = graph.input('batch_classes', 'int64', [spec.identitiesPerBatch]);

  const images = l2Normalize(imageProjection(graph, features, { feature: spec.featureWidth, joint: spec.jointWidth }, spec.seed, false));
  const learned = implicitTokenTable(context, spec);
  const prompts = l2Normalize(graph.scope(textScope, () => implicitPromptFeatures(context, spec.text, spec.implicitTemplate, learned, batchClasses)));

  const m2p = imageToPromptLoss(images, prompts, spec.imagesPerIdentity);
  const p2m = promptToImageLoss(prompts, images, spec.imagesPerIdentity);
  return buildTrainingStep({ graph, loss: add(m2p, p2m), metrics: { m2p, p2m }, optimizer, maxGradientNorm });
}

/** Repeats per-identity rows [P, d] for each of the identity's K images, giving [P*K, d]. */
function perImage(spec: ModelSpec, identityRows: Tensor): Tensor {
  const { identitiesPerBatch: p, imagesPerIdentity: k, jointWidth: d } = spec;
  return reshape(expand(reshape(identityRows, [p, 1, d]), [p, k, d]), [p * k, d]);
}

/** Encodes one sentence group's token matrix, fed as '<group>_tokens' and '<group>_end', into features [rows, d]. */
function encodeGroup(context: LayerContext, spec: ModelSpec, group: 'single' | 'vqa', length: number): Tensor {
  const { graph } = context;
  const tokens = graph.input(`${group}_tokens`, 'int64', [spec.capacity[group], length]);
  const endIndex = graph.input(`${group}_end`, 'int64', [spec.capacity[group]]);
  return graph.scope(textScope, () => encodeSentences(context, spec.text, tokens, endIndex));
}

/** Computes the identity-level features [P, d] of each explicit prompt kind in the batch, by kind. */
function explicitPromptFeatures(context: LayerContext, spec: ModelSpec, table: PromptTable): Map<string, Tensor> {
  const { graph } = context;
  const p = spec.identitiesPerBatch;
  const features = new Map<string, Tensor>();

  if (table.single) {
    const sentences = encodeGroup(context, spec, 'single', table.single.length);
    for (const kind of singleSentenceKinds) {
      if (table.single.rows[kind]) features.set(kind, gather(sentences, graph.input(`${kind}_rows`, 'int64', [p]), 0));
    }
  }

  if (table.vqa) {
    const sentences = encodeGroup(context, spec, 'vqa', table.vqa.length);
    const q = table.vqa.questions;
    const rows = graph.input('vqa_rows', 'int64', [p * q]);
    const mask = reshape(graph.input('vqa_mask', 'float32', [p * q]), [p, q, 1]);
    const answered = mul(reshape(gather(sentences, rows, 0), [p, q, spec.jointWidth]), mask);
    features.set('vqa', div(reduceSum(answered, [1]), clip(reduceSum(mask, [1]), 1)));
  }
  return features;
}

/** Adds each loss term with a non-zero weight; returns the total and the unweighted terms as metrics. */
function weightedTotal(terms: Partial<Record<keyof LossWeights, Tensor>>, weights: LossWeights): { loss: Tensor; metrics: Record<string, Tensor> } {
  const metrics: Record<string, Tensor> = {};
  let loss: Tensor | undefined;
  for (const [name, term] of Object.entries(terms) as [keyof LossWeights, Tensor][]) {
    if (weights[name] === 0) continue;
    metrics[name] = term;
    const weighted = weights[name] === 1 ? term : mul(term, weights[name]);
    loss = loss ? add(loss, weighted) : weighted;
  }
  if (!loss) throw new ValidationError('Every loss weight of the run is 0. Give at least one loss term a positive weight.');
  return { loss, metrics };
}

/**
 * Builds the stage-2 step, which trains u_M, the BN-neck classifier, the text
 * side, the cross-attention, fusion and multimodal layers with every loss
 * term of MP-ReID, the implicit prompt features fixed as learned in stage 1.
 * Inputs: 'features', 'labels' int64 [P*K], and the prompt batch inputs.
 */
export function buildStage2Step(spec: ModelSpec, implicitFeatures: Float32Array, optimizer: OptimizerConfig): TrainingStep {
  const context = newContext('mpreid_stage2', spec.seed + 1);
  const { graph } = context;
  const n = batchSize(spec);
  const d = spec.jointWidth;
  const features = graph.input('features', 'float32', [n, spec.featureWidth]);
  const labels = graph.input('labels', 'int64', [n]);

  const joint = imageProjection(graph, features, { feature: spec.featureWidth, joint: d }, spec.seed, true);
  const head = retrievalHead(context, joint, d, spec.classes);
  const images = l2Normalize(joint);
  const implicit = graph.constant(implicitFeatures, 'float32', [spec.classes, d]);
  const terms: Partial<Record<keyof LossWeights, Tensor>> = {
    m2pce: implicitPromptCrossEntropy(images, implicit, labels, labelSmoothing),
    id: crossEntropy(head.logits!, labels, labelSmoothing),
    tri: batchHardTripletLoss(joint, labels, tripletMargin),
  };

  if (spec.table) {
    const kinds = explicitPromptFeatures(context, spec, spec.table);
    const identityPrompt = l2Normalize([...kinds.values()].map((feature) => l2Normalize(feature)).reduce((sum, feature) => add(sum, feature)));
    terms.m2p = imageToPromptLoss(images, identityPrompt, spec.imagesPerIdentity);
    terms.p2m = promptToImageLoss(identityPrompt, images, spec.imagesPerIdentity);

    const imageTokens = reshape(joint, [n, 1, d]);
    const attended = [...kinds].map(([kind, feature]) => promptCrossAttention(context, `cross_attention_${kind}`, perImage(spec, feature), imageTokens, d));
    terms.cls = crossEntropy(multimodalClassifier(context, fuseExplicitPrompts(context, attended, d), joint, d, spec.classes), labels, labelSmoothing);
  }

  const { loss, metrics } = weightedTotal(terms, spec.lossWeights);
  const bufferUpdates = [
    { buffer: head.neckState.runningMean, updated: head.neckState.updatedMean! },
    { buffer: head.neckState.runningVariance, updated: head.neckState.updatedVariance! },
  ];
  return buildTrainingStep({ graph, loss, metrics, bufferUpdates, optimizer, maxGradientNorm });
}
