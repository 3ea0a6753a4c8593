import { ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { exportInferenceModel } from '../training/export';
import { warmupCosineSchedule } from '../training/schedules';
import { Trainer } from '../training/trainer';
import { createTensor, StepSession, type OrtTensor } from '../runtime/step-session';
import type { HeadPlan } from './head-plans';
import { buildHeadsInference, buildHeadsTrainingStep, featureInput, labelInput, probabilityOutput, type HeadsGraphOptions } from './heads-graph';

const log = createLogger('AttributeHeads');

/** Image features (row-major, `featureWidth` per row) with each head's class per row, -1 where unlabelled. */
export interface LabelledFeatures {
  features: Float32Array;
  featureWidth: number;
  labels: Int32Array[];
}

export interface HeadTrainingOptions {
  epochs: number;
  seed: number;
  batchSize?: number;
  learningRate?: number;
  weightDecay?: number;
}

export interface TrainedHeads {
  graphOptions: HeadsGraphOptions;
  values: Map<string, Float32Array | Float64Array>;
  finalLoss: number;
  steps: number;
}

/**
 * Trains one linear softmax classifier per head on frozen features with
 * AdamW and a warm-up then cosine learning rate. Rows are shuffled each epoch,
 * and the last batch of an epoch is padded with unlabelled rows.
 */
export async function trainHeads(plans: readonly HeadPlan[], data: LabelledFeatures, options: HeadTrainingOptions, progress: ProgressReporter): Promise<TrainedHeads> {
  const rows = data.features.length / data.featureWidth;
  if (rows === 0) throw new ValidationError('There are no labelled training images to train attribute heads on; import the dataset with its attribute file.');

  // NOTE: the default batch size, learning rate and weight decay are untuned first choices; bench/attribute-heads.ts measures their accuracy on Duke.
  const batchSize = options.batchSize ?? 128;
  const stepsPerEpoch = Math.ceil(rows / batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const { mean, std } = featureStatistics(data.features, data.featureWidth);
  const graphOptions: HeadsGraphOptions = { featureWidth: data.featureWidth, heads: plans.map((plan) => ({ name: plan.name, classes: plan.classNames.length })), featureMean: mean, featureStd: std, seed: options.seed };

  const step = buildHeadsTrainingStep(graphOptions, batchSize, options.weightDecay ?? 1e-4);
  const trainer = await Trainer.create(step, { seed: options.seed, intraOpThreads: 1 });
  const schedule = warmupCosineSchedule({ baseLearningRate: options.learningRate ?? 3e-3, warmupSteps: Math.min(stepsPerEpoch, Math.round(totalSteps / 10)), totalSteps });
  log.info('attribute head training started', { heads: plans.length, rows, epochs: options.epochs, steps: totalSteps });

  let finalLoss = Number.NaN;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffledRows(rows, trainer);
      for (let start = 0; start < rows; start += batchSize) {
        progress.throwIfCancelled();
        const batch = gatherBatch(data, order.subarray(start, start + batchSize), batchSize, plans);
        finalLoss = (await trainer.runStep(batch, schedule(trainer.stepCount))).loss;
      }
      progress.update('training', epoch + 1, options.epochs, `loss ${finalLoss.toFixed(4)}`);
    }
    const values = trainer.stateValues('parameter');
    log.info('attribute head training ended', { steps: trainer.stepCount, finalLoss });
    return { graphOptions, values, finalLoss, steps: trainer.stepCount };
  } finally {
    await trainer.release();
  }
}

/** Per-feature mean and standard deviation; the deviation has a floor so that constant features do not divide by zero. */
function featureStatistics(features: Float32Array, width: number): { mean: Float32Array; std: Float32Array } {
  const rows = features.length / width;
  const sum = new Float64Array(width);
  const sumOfSquares = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < width; j++) {
      const value = features[row * width + j];
      sum[j] += value;
      sumOfSquares[j] += value * value;
    }
  }

  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  for (let j = 0; j < width; j++) {
    mean[j] = sum[j] / rows;
    std[j] = Math.sqrt(Math.max(sumOfSquares[j] / rows - mean[j] * mean[j], 0) + 1e-6);
  }
  return { mean, std };
}

function shuffledRows(rows: number, trainer: Trainer): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = trainer.random.nextUint32() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function gatherBatch(data: LabelledFeatures, rows: Int32Array, batchSize: number, plans: readonly HeadPlan[]): Record<string, OrtTensor> {
  const width = data.featureWidth;
  const features = new Float32Array(batchSize * width);
  rows.forEach((row, slot) => features.set(data.features.subarray(row * width, (row + 1) * width), slot * width));

  const batch: Record<string, OrtTensor> = { [featureInput]: createTensor('float32', features, [batchSize, width]) };
  plans.forEach((plan, head) => {
    // Padding slots keep -1, so they add nothing to any head's loss.
    const labels = new BigInt64Array(batchSize).fill(-1n);
    rows.forEach((row, slot) => (labels[slot] = BigInt(data.labels[head][row])));
    batch[labelInput(plan.name)] = createTensor('int64', labels, [batchSize]);
  });
  return batch;
}

/**
 * Writes the trained heads as an inference model: input 'features' [batch, width]
 * and one probability output per head. `addOutputs` may declare further
 * outputs computed from the probabilities before the graph is written.
 */
export function exportHeads(trained: TrainedHeads, addOutputs?: (graph: GraphBuilder, probabilities: Map<string, Tensor>) => void, metadata: Record<string, string> = {}): Uint8Array {
  const { graph, probabilities } = buildHeadsInference(trained.graphOptions);
  addOutputs?.(graph, probabilities);
  return exportInferenceModel(graph, trained.values, metadata);
}

export interface HeadAccuracy {
  attribute: string;
  accuracy: number;
  /** Labelled images the accuracy was measured on. */
  images: number;
  /** Accuracy of always predicting the most frequent class of these images. */
  majorityAccuracy: number;
}

/** Runs a heads model on features and compares each head's most probable class with the labels. */
export async function measureAccuracy(headsModel: Uint8Array, plans: readonly HeadPlan[], data: LabelledFeatures): Promise<HeadAccuracy[]> {
  const rows = data.features.length / data.featureWidth;
  const session = await StepSession.create(headsModel, { intraOpThreads: 1 });
  try {
    const outputs = await session.run({ [featureInput]: createTensor('float32', data.features, [rows, data.featureWidth]) });
    return plans.map((plan, head) => scoreHead(plan, outputs[probabilityOutput(plan.name)].data as Float32Array, data.labels[head]));
  } finally {
    await session.release();
  }
}

function scoreHead(plan: HeadPlan, probabilities: Float32Array, labels: Int32Array): HeadAccuracy {
  const classes = plan.classNames.length;
  const counts = new Array<number>(classes).fill(0);
  let correct = 0;
  let images = 0;
  labels.forEach((label, row) => {
    if (label < 0) return;
    images += 1;
    counts[label] += 1;
    if (argmax(probabilities, row * classes, classes) === label) correct += 1;
  });
  return { attribute: plan.name, accuracy: images === 0 ? 0 : correct / images, images, majorityAccuracy: images === 0 ? 0 : Math.max(...counts) / images };
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}
