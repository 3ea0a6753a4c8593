import { createTensor } from '../runtime/step-session';
import { PkSampler } from '../training/pk-sampler';
import type { SeededRandom } from '../training/random';
import { assemblePromptBatch } from './prompt-table';
import type { BatchSource } from './stage-runner';
import type { ModelSpec } from './stage-graphs';
import type { MpreidConfig, MpreidTrainingData } from './training-types';

interface ImageBatch {
  features: Float32Array;
  labels: BigInt64Array;
  /** Class of each identity in the batch, in batch order [P]. */
  classes: number[];
}

/** P x K batches of frozen-encoder features, identity by identity. */
function imageBatches(data: MpreidTrainingData, config: MpreidConfig): (random: SeededRandom) => ImageBatch {
  const sampler = new PkSampler(data.trainLabels, config.identitiesPerBatch, config.imagesPerIdentity);
  const width = data.featureWidth;
  return (random) => {
    const rows = sampler.nextBatch(random);
    const features = new Float32Array(rows.length * width);
    rows.forEach((row, i) => features.set(data.train.features.subarray(row * width, (row + 1) * width), i * width));
    const labels = BigInt64Array.from(rows, (row) => BigInt(data.trainLabels[row]));
    const classes = rows.filter((_, i) => i % config.imagesPerIdentity === 0).map((row) => data.trainLabels[row]);
    return { features, labels, classes };
  };
}

export function stage1Batches(data: MpreidTrainingData, config: MpreidConfig): BatchSource {
  const draw = imageBatches(data, config);
  return {
    next: (random) => {
      const batch = draw(random);
      return {
        features: createTensor('float32', batch.features, [batch.labels.length, data.featureWidth]),
        batch_classes: createTensor('int64', BigInt64Array.from(batch.classes, BigInt), [batch.classes.length]),
      };
    },
  };
}

export function stage2Batches(data: MpreidTrainingData, config: MpreidConfig, spec: ModelSpec): BatchSource {
  const draw = imageBatches(data, config);
  return {
    next: (random) => {
      const batch = draw(random);
      const feeds = {
        features: createTensor('float32', batch.features, [batch.labels.length, data.featureWidth]),
        labels: createTensor('int64', batch.labels, [batch.labels.length]),
      };
      if (!spec.table) return feeds;

      const prompts = assemblePromptBatch(spec.table, batch.classes, spec.capacity);
      const p = batch.classes.length;
      const promptFeeds: Record<string, ReturnType<typeof createTensor>> = {};
      if (prompts.single) {
        const { tokens, endIndex, rows } = prompts.single;
        promptFeeds.single_tokens = createTensor('int64', tokens, [spec.capacity.single, spec.table.single!.length]);
        promptFeeds.single_end = createTensor('int64', endIndex, [spec.capacity.single]);
        for (const [kind, kindRows] of Object.entries(rows)) promptFeeds[`${kind}_rows`] = createTensor('int64', kindRows, [p]);
      }
      if (prompts.vqa) {
        const { tokens, endIndex, rows, mask } = prompts.vqa;
        promptFeeds.vqa_tokens = createTensor('int64', tokens, [spec.capacity.vqa, spec.table.vqa!.length]);
        promptFeeds.vqa_end = createTensor('int64', endIndex, [spec.capacity.vqa]);
        promptFeeds.vqa_rows = createTensor('int64', rows, [rows.length]);
        promptFeeds.vqa_mask = createTensor('float32', mask, [mask.length]);
      }
      return { ...feeds, ...promptFeeds };
    },
  };
}
