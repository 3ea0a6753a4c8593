import { z } from 'zod';
import { vqaProviderSchema } from '../prompts/vqa/vqa-schemas';
import { absolutePath, executionProviderSchema, idSchema, rankedImageSchema, retrievalFiguresSchema } from './schemas';

/**
 * API methods of MP-ReID training runs, attribute heads and text search.
 * Spread into the one contract table of contract.ts; pure zod like it.
 */

const presetSchema = z.enum(['learnable', 'attribute-words', 'vqa', 'chat', 'chat-vqa']);

const lossWeightsSchema = z
  .object({
    cls: z.number().min(0).max(100),
    m2p: z.number().min(0).max(100),
    p2m: z.number().min(0).max(100),
    m2pce: z.number().min(0).max(100),
    id: z.number().min(0).max(100),
    tri: z.number().min(0).max(100),
  })
  .strict();

const textEncoderSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('scratch'),
      width: z.number().int().min(16).max(1024),
      layers: z.number().int().min(1).max(24),
      heads: z.number().int().min(1).max(32),
      contextLength: z.number().int().min(8).max(77),
    })
    .strict(),
  z.object({ source: z.literal('clip'), weightsPath: absolutePath }).strict(),
]);

/** Every field a run can override; the preset fills the rest. */
export const trainingConfigSchema = z
  .object({
    prompts: z.object({ attributeWords: z.boolean(), chat: z.boolean(), vqa: z.boolean() }).strict(),
    stage1Epochs: z.number().int().min(0).max(500),
    stage1LearningRate: z.number().positive().max(1),
    stage2Epochs: z.number().int().min(1).max(500),
    learningRate: z.number().positive().max(1),
    warmupEpochs: z.number().int().min(0).max(100),
    weightDecay: z.number().min(0).max(1),
    identitiesPerBatch: z.number().int().min(2).max(256),
    imagesPerIdentity: z.number().int().min(1).max(64),
    lossWeights: lossWeightsSchema,
    implicitTokens: z.number().int().min(1).max(16),
    jointWidth: z.number().int().min(16).max(2048),
    textEncoder: textEncoderSchema,
    stepsPerEpoch: z.number().int().min(1).max(100_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    evaluateEachEpoch: z.boolean(),
    /** 'image' ranks by image features alone; 'image-with-identity-prompts' also fuses label-derived prompts, an oracle. */
    evaluationFeatures: z.enum(['image', 'image-with-identity-prompts']),
    executionProvider: executionProviderSchema,
  })
  .strict();

const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

const epochSchema = z.object({
  stage: z.enum(['stage1', 'stage2']),
  epoch: z.number().int(),
  losses: z.record(z.string(), z.number()),
  figures: retrievalFiguresSchema.nullable(),
  seconds: z.number(),
});

export const trainingRunSummarySchema = z.object({
  runId: idSchema,
  name: z.string(),
  datasetId: idSchema,
  datasetName: z.string(),
  /** The frozen image encoder whose cached features the run trained on. */
  imageModelId: idSchema,
  preset: z.union([presetSchema, z.literal('custom')]),
  status: runStatusSchema,
  /** Latest figures: after the last evaluated epoch. */
  figures: retrievalFiguresSchema.nullable(),
  /** Frozen-feature figures of the same query and gallery, for comparison. */
  baseline: retrievalFiguresSchema.nullable(),
  /** The makeup of the evaluated query and gallery features, in words. */
  features: z.string(),
  /** True when query or gallery features used prompts derived from identity labels. */
  oracle: z.boolean(),
  epochsDone: z.number().int(),
  epochsTotal: z.number().int(),
  /** Search model registered from the trained image head; null until the run succeeds. */
  searchModelId: idSchema.nullable(),
  jobId: idSchema.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const trainingRunDetailSchema = trainingRunSummarySchema.extend({
  config: trainingConfigSchema,
  /** Prompt revisions the run trained on: prompt id to revision number. */
  promptRevisions: z.record(z.string(), z.number().int()),
  codeVersion: z.string(),
  epochs: z.array(epochSchema),
  /** Loss curves: one point per recorded step, each term by name. */
  steps: z.array(z.object({ stage: z.enum(['stage1', 'stage2']), step: z.number().int(), epoch: z.number().int(), learningRate: z.number(), losses: z.record(z.string(), z.number()) })),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

const runInput = z.object({ runId: idSchema }).strict();

export const trainingContractEntries = {
  'training.presets': {
    summary: 'The ablation presets with their full configurations.',
    input: z.object({}).strict(),
    output: z.array(z.object({ name: presetSchema, label: z.string(), description: z.string(), config: trainingConfigSchema })),
  },
  'training.start': {
    summary: 'Starts an MP-ReID training run on cached frozen-encoder features as a cancellable job; returns once the run is stored.',
    input: z
      .object({
        datasetId: idSchema,
        imageModelId: idSchema,
        preset: presetSchema,
        name: z.string().min(1).max(200).optional(),
        overrides: trainingConfigSchema.partial().optional(),
        /** CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz, or a folder with vocab.json and merges.txt); defaults to $MPREID_CLIP_VOCAB. */
        vocabularyPath: absolutePath.optional(),
      })
      .strict(),
    output: trainingRunSummarySchema,
  },
  'training.resume': {
    summary: 'Continues an interrupted, failed or cancelled run from its last checkpoint.',
    input: runInput,
    output: trainingRunSummarySchema,
  },
  'training.list': {
    summary: 'Training runs, newest first, optionally of one dataset.',
    input: z.object({ datasetId: idSchema.optional() }).strict(),
    output: z.array(trainingRunSummarySchema),
  },
  'training.get': {
    summary: 'One run with its configuration, prompt revisions, loss curves and per-epoch figures.',
    input: runInput,
    output: trainingRunDetailSchema,
  },
  'training.delete': {
    summary: 'Deletes a run that is not running, with its checkpoints.',
    input: runInput,
    output: z.object({ ok: z.literal(true) }),
  },
  'training.exportTable': {
    summary: 'The runs table (one row per run with its figures and oracle mark) as CSV, or the comparison plot as SVG.',
    input: z.object({ runIds: z.array(idSchema).min(1).max(200), format: z.enum(['csv', 'svg']), filePath: absolutePath.optional() }).strict(),
    output: z.object({ format: z.enum(['csv', 'svg']), content: z.string(), filePath: z.string().nullable() }),
  },
  'search.text': {
    summary: "Ranks a dataset's gallery by similarity to a typed description in a trained run's joint image-text space.",
    input: z
      .object({
        runId: idSchema,
        text: z.string().trim().min(1).max(1000),
        topK: z.number().int().min(1).max(500).default(20),
      })
      .strict(),
    output: z.object({
      tokens: z.number().int(),
      gallerySize: z.number().int(),
      results: z.array(rankedImageSchema),
      seconds: z.number(),
    }),
  },
  'textEncoder.downloadClip': {
    summary: "Downloads CLIP ViT-B/16 weights from Hugging Face (or $MPREID_HF_ENDPOINT) into the workspace's model folder with a checksum check, as a job.",
    input: z.object({ repository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a hub repository such as openai/clip-vit-base-patch16').max(200).default('openai/clip-vit-base-patch16') }).strict(),
    output: z.object({ path: z.string(), url: z.string(), bytes: z.number().int(), sha256: z.string() }),
  },
  'attributes.heads.train': {
    summary: "Trains one attribute classifier per labelled attribute on a dataset's frozen features and exports them as an ONNX VQA answer model, as a job.",
    input: z.object({ datasetId: idSchema, imageModelId: idSchema, epochs: z.number().int().min(1).max(200).default(20), seed: z.number().int().min(0).default(1) }).strict(),
    output: z.object({
      modelPath: z.string(),
      /** Accuracy of each attribute head on the test identities' images. */
      accuracy: z.array(z.object({ attribute: z.string(), accuracy: z.number(), images: z.number().int() })),
      meanAccuracy: z.number(),
      /** Questions of the VQA bank the exported model answers. */
      questionKeys: z.array(z.string()),
      /** The provider to pass to prompts.vqa.run to answer with the exported model. */
      vqaProvider: vqaProviderSchema,
    }),
  },
} as const;
