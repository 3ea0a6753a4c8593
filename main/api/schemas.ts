import { z } from 'zod';

/**
 * Shapes of the values that cross the API. Pure zod, so the renderer can
 * import it without Node.
 */

export const splitSchema = z.enum(['train', 'query', 'gallery']);
export type Split = z.infer<typeof splitSchema>;

export const executionProviderSchema = z.enum(['auto', 'cpu', 'cuda']);
export type ExecutionProviderChoice = z.infer<typeof executionProviderSchema>;

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
/** A path from the root (POSIX /..., a Windows drive C:\..., a UNC share \\server\...); a relative one would depend on the server's working folder. */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'expected an absolute path');

export const splitCountsSchema = z.object({
  images: count,
  identities: count,
  cameras: z.array(z.number().int()),
});

export const importReportSchema = z.object({
  datasetId: id,
  name: z.string(),
  layout: z.enum(['market1501', 'dukemtmc']),
  rootDir: z.string(),
  evaluationOnly: z.boolean(),
  splits: z.object({ train: splitCountsSchema, query: splitCountsSchema, gallery: splitCountsSchema }),
  junkImagesDropped: count,
  distractorImages: count,
  /** Entries in split folders that are not images, such as Thumbs.db; skipped. */
  ignoredFiles: count.default(0),
  attributes: z
    .object({
      file: z.string(),
      attributeNames: z.array(z.string()),
      identitiesWithAttributes: count,
      identitiesWithoutAttributes: z.array(z.number().int()),
      attributesWithoutImages: z.array(z.number().int()),
      /** Values coded 0 (unlabelled) in the file, which are not stored. */
      unlabelledValues: count.default(0),
    })
    .nullable(),
  seconds: z.number(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const datasetSummarySchema = z.object({
  datasetId: id,
  name: z.string(),
  layout: z.string(),
  rootDir: z.string(),
  evaluationOnly: z.boolean(),
  createdAt: z.string(),
  report: importReportSchema,
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const imageRefSchema = z.object({
  imageId: id,
  personId: z.number().int(),
  cameraId: z.number().int(),
  split: splitSchema,
  path: z.string(),
  width: count,
  height: count,
});
export type ImageRef = z.infer<typeof imageRefSchema>;

export const identitySummarySchema = z.object({
  identityId: id,
  personId: z.number().int(),
  imageCount: count,
  cameraCount: count,
  splits: z.array(splitSchema),
  coverImageId: id,
});
export type IdentitySummary = z.infer<typeof identitySummarySchema>;

export const attributeValueSchema = z.object({
  name: z.string(),
  value: z.number().int(),
  meaning: z.string(),
  /** Every code the attribute file defines for this attribute, for editing. */
  choices: z.array(z.object({ value: z.number().int(), meaning: z.string() })),
});

export const identityDetailSchema = z.object({
  identityId: id,
  datasetId: id,
  personId: z.number().int(),
  cameras: z.array(z.object({ cameraId: z.number().int(), images: z.array(imageRefSchema) })),
  attributes: z.array(attributeValueSchema),
});
export type IdentityDetail = z.infer<typeof identityDetailSchema>;

export const tensorDeclarationSchema = z.object({
  name: z.string(),
  type: z.string(),
  /** Positive numbers are fixed sizes; strings are symbolic (dynamic) dimensions. */
  shape: z.array(z.union([z.number().int(), z.string()])),
});
export type TensorDeclaration = z.infer<typeof tensorDeclarationSchema>;

export const modelCardSchema = z.object({
  inputName: z.string().min(1),
  outputName: z.string().min(1),
  layout: z.literal('NCHW'),
  height: z.number().int().min(8).max(4096),
  width: z.number().int().min(8).max(4096),
  /** Per-channel mean and std on pixel values scaled to [0, 1], in the card's channel order. */
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  channelOrder: z.enum(['RGB', 'BGR']),
  distance: z.enum(['euclidean']).default('euclidean'),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

export const modelSummarySchema = z.object({
  modelId: id,
  name: z.string(),
  filePath: z.string(),
  contentHash: z.string(),
  card: modelCardSchema,
  /** Fixed batch size the file declares, or null when the batch dimension is dynamic. */
  fixedBatch: z.number().int().positive().nullable(),
  featureDimension: z.number().int().positive(),
  createdAt: z.string(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const embeddingReportSchema = z.object({
  modelId: id,
  executionProvider: z.enum(['cpu', 'cuda']),
  requested: count,
  embedded: count,
  cached: count,
  seconds: z.number(),
  imagesPerSecond: z.number(),
});
export type EmbeddingReport = z.infer<typeof embeddingReportSchema>;

export const matchSchema = z.enum(['true', 'false', 'unknown']);

export const rankedImageSchema = imageRefSchema.extend({
  rank: z.number().int().positive(),
  distance: z.number(),
  match: matchSchema,
});
export type RankedImage = z.infer<typeof rankedImageSchema>;

export const retrievalFiguresSchema = z.object({
  mAP: z.number(),
  rank1: z.number(),
  rank5: z.number(),
  rank10: z.number(),
  rank20: z.number(),
  mINP: z.number(),
  /** CMC curve: cmc[k - 1] is the fraction of valid queries with a true match in the top k. */
  cmc: z.array(z.number()),
});
export type RetrievalFigures = z.infer<typeof retrievalFiguresSchema>;

export const queryOutcomeSchema = z.object({
  queryImageId: id,
  personId: z.number().int(),
  cameraId: z.number().int(),
  averagePrecision: z.number(),
  firstTrueMatchRank: z.number().int().positive(),
  trueMatches: count,
  ranked: z.array(rankedImageSchema),
});
export type QueryOutcome = z.infer<typeof queryOutcomeSchema>;

export const evaluationResultSchema = z.object({
  datasetId: id,
  modelId: id,
  features: z.string(),
  queries: count,
  validQueries: count,
  gallery: count,
  plain: retrievalFiguresSchema,
  reranked: retrievalFiguresSchema.nullable(),
  worstQueries: z.array(queryOutcomeSchema),
  seconds: z.record(z.string(), z.number()),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

export const jobStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

export const jobProgressSchema = z.object({
  jobId: id,
  kind: z.string(),
  phase: z.string(),
  done: count,
  total: count,
  ratePerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobSummarySchema = z.object({
  jobId: id,
  kind: z.string(),
  status: jobStatusSchema,
  params: z.unknown(),
  progress: jobProgressSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export { absolutePath, id as idSchema, count as countSchema };
