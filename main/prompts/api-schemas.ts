import { z } from 'zod';
import { vqaAggregateSchema, vqaProviderSchema, vqaQuestionSchema } from './vqa/vqa-schemas';

export * from './vqa/vqa-schemas';

/**
 * Shapes of the prompt values that cross the API. Pure zod like
 * ../api/schemas.ts, so the renderer can import it without Node.
 */

const id = z.number().int().positive();
const count = z.number().int().nonnegative();

export const promptKindSchema = z.enum(['chat', 'vqa_answer', 'vqa_sentence', 'implicit']);
export type PromptKind = z.infer<typeof promptKindSchema>;

export const revisionSourceSchema = z.enum(['generated', 'edited', 'imported', 'reverted']);
export type RevisionSource = z.infer<typeof revisionSourceSchema>;

export const revisionActionSchema = z.enum(['change', 'undo', 'redo']);
export type RevisionAction = z.infer<typeof revisionActionSchema>;

export const reviewStatusSchema = z.enum(['unreviewed', 'reviewed', 'flagged']);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const replyCheckFailureSchema = z.object({
  check: z.enum(['empty', 'sentences', 'length', 'contradiction', 'unparsed']),
  message: z.string(),
});
export type ReplyCheckFailure = z.infer<typeof replyCheckFailureSchema>;

export const promptRevisionSchema = z.object({
  number: z.number().int().positive(),
  text: z.string(),
  source: revisionSourceSchema,
  action: revisionActionSchema,
  /** Revision whose text a revert, undo or redo copied. */
  restores: z.number().int().positive().nullable(),
  generator: z.string().nullable(),
  model: z.string().nullable(),
  instructionVersion: z.number().int().positive().nullable(),
  cacheKey: z.string().nullable(),
  failedChecks: z.array(replyCheckFailureSchema),
  detail: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});
export type PromptRevision = z.infer<typeof promptRevisionSchema>;

export const promptViewSchema = z.object({
  promptId: id,
  datasetId: id,
  kind: promptKindSchema,
  identityId: id.nullable(),
  imageId: id.nullable(),
  questionKey: z.string().nullable(),
  current: promptRevisionSchema,
  /** Revision an undo would restore, or null when there is nothing to undo. */
  undoTarget: z.number().int().positive().nullable(),
  redoTarget: z.number().int().positive().nullable(),
});
export type PromptView = z.infer<typeof promptViewSchema>;

export const reviewSchema = z.object({
  identityId: id,
  status: reviewStatusSchema,
  note: z.string(),
  updatedAt: z.string().nullable(),
});
export type Review = z.infer<typeof reviewSchema>;

export const wordRoleSchema = z.enum(['subject', 'with', 'wearing', 'carrying']);
export type WordRole = z.infer<typeof wordRoleSchema>;

export const vocabularyEntrySchema = z.object({
  attribute: z.string(),
  value: z.number().int(),
  meaning: z.string(),
  /** Words that stand for this coded value in prompts; null leaves the value out. */
  word: z.string().nullable(),
  role: wordRoleSchema,
  isDefault: z.boolean(),
});
export type VocabularyEntry = z.infer<typeof vocabularyEntrySchema>;

export const vocabularyChangeSchema = z.object({
  attribute: z.string().min(1).max(100),
  value: z.number().int(),
  word: z.string().trim().min(1).max(200).nullable(),
  role: wordRoleSchema.optional(),
});

export const instructionSchema = z.object({
  version: z.number().int().positive(),
  text: z.string(),
  createdAt: z.string(),
});
export type Instruction = z.infer<typeof instructionSchema>;

/** Chat endpoint settings. No field has a zod default, so a partial update never resets the fields it leaves out. */
export const chatSettingsSchema = z.object({
  baseUrl: z.string().url(),
  model: z.string().min(1).max(200),
  visionModel: z.string().min(1).max(200),
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(32),
  timeoutSeconds: z.number().min(1).max(600),
  maxRetries: z.number().int().min(0).max(10),
  maxReplyCharacters: z.number().int().min(20).max(5000),
  /** Prices in the account's currency; estimated cost is 0 until they are set. */
  inputPricePer1kTokens: z.number().nonnegative(),
  outputPricePer1kTokens: z.number().nonnegative(),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;

export const defaultChatSettings: ChatSettings = {
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  visionModel: 'gpt-4o-mini',
  concurrency: 4,
  timeoutSeconds: 60,
  maxRetries: 5,
  maxReplyCharacters: 300,
  inputPricePer1kTokens: 0,
  outputPricePer1kTokens: 0,
};

/** Returns the default chat settings with `changes` applied and checked. */
export function chatSettingsWith(changes: Partial<ChatSettings>): ChatSettings {
  return chatSettingsSchema.parse({ ...defaultChatSettings, ...changes });
}

export const generatorSchema = z.enum(['template', 'chat']);
export type PromptGenerator = z.infer<typeof generatorSchema>;

export const generationReportSchema = z.object({
  datasetId: id,
  generator: generatorSchema,
  model: z.string().nullable(),
  instructionVersion: z.number().int().positive().nullable(),
  requested: count,
  /** Prompts written from a new chat reply or from the template. */
  generated: count,
  /** Prompts written from a cached chat reply, at no token cost. */
  cached: count,
  /** Identities whose prompt already came from the same words, instruction and model. */
  upToDate: count,
  /** Identities whose current prompt an analyst wrote, left alone unless overwriteEdits is set. */
  skippedEdited: count,
  withoutAttributes: count,
  failedChecks: count,
  flaggedPersonIds: z.array(z.number().int()),
  failedRequests: z.array(z.object({ personId: z.number().int(), message: z.string() })),
  promptTokens: count,
  completionTokens: count,
  totalTokens: count,
  estimatedCost: z.number().nonnegative(),
  seconds: z.number(),
});
export type GenerationReport = z.infer<typeof generationReportSchema>;

export const identityPromptsSchema = z.object({
  identityId: id,
  datasetId: id,
  personId: z.number().int(),
  attributes: z.array(z.object({ name: z.string(), value: z.number().int(), meaning: z.string(), word: z.string().nullable() })),
  chat: promptViewSchema.nullable(),
  review: reviewSchema,
  vqa: z.array(vqaAggregateSchema),
});
export type IdentityPrompts = z.infer<typeof identityPromptsSchema>;

export const promptListItemSchema = z.object({
  identityId: id,
  personId: z.number().int(),
  promptId: id.nullable(),
  text: z.string().nullable(),
  revision: z.number().int().positive().nullable(),
  generator: z.string().nullable(),
  source: revisionSourceSchema.nullable(),
  failedChecks: count,
  reviewStatus: reviewStatusSchema,
});
export type PromptListItem = z.infer<typeof promptListItemSchema>;

export const diffSegmentSchema = z.object({ op: z.enum(['equal', 'delete', 'insert']), text: z.string() });

export const exchangeFormatSchema = z.enum(['json', 'csv']);
export type ExchangeFormat = z.infer<typeof exchangeFormatSchema>;

export const promptRecordKindSchema = z.enum(['chat', 'vqa_answer', 'vqa_sentence', 'implicit', 'review']);

/** One line of an export: a prompt's current revision, or an identity's review status. */
export const promptRecordSchema = z.object({
  kind: promptRecordKindSchema,
  personId: z.number().int().nullable(),
  /** Image path relative to the dataset folder, for VQA kinds. */
  imagePath: z.string().nullable(),
  questionKey: z.string().nullable(),
  /** Prompt text, or the review note for kind 'review'. */
  text: z.string(),
  reviewStatus: reviewStatusSchema.nullable(),
  source: revisionSourceSchema.nullable(),
  generator: z.string().nullable(),
  model: z.string().nullable(),
  instructionVersion: z.number().int().positive().nullable(),
  /** Revision number at export time; an import compares it with the local revision to find overwritten edits. */
  revision: z.number().int().positive().nullable(),
  failedChecks: z.array(replyCheckFailureSchema),
  cacheKey: z.string().nullable(),
  /** When the revision (or review) was made. */
  createdAt: z.string().nullable(),
});
export type PromptRecord = z.infer<typeof promptRecordSchema>;

export const importConflictSchema = z.object({
  kind: promptRecordKindSchema,
  personId: z.number().int().nullable(),
  imagePath: z.string().nullable(),
  questionKey: z.string().nullable(),
  localRevision: z.number().int().nullable(),
  localText: z.string(),
  importedText: z.string(),
});
export type ImportConflict = z.infer<typeof importConflictSchema>;

export const conflictPolicySchema = z.enum(['abort', 'keepLocal', 'overwrite']);
export type ConflictPolicy = z.infer<typeof conflictPolicySchema>;

export const promptImportReportSchema = z.object({
  datasetId: id,
  records: count,
  /** False when conflicts stopped the import (policy 'abort') or on a dry run: nothing was written. */
  applied: z.boolean(),
  created: count,
  updated: count,
  unchanged: count,
  skippedConflicts: count,
  conflicts: z.array(importConflictSchema),
});
export type PromptImportReport = z.infer<typeof promptImportReportSchema>;

/* Inputs and outputs of the prompts.* API methods. */

const datasetInput = z.object({ datasetId: id }).strict();
const promptInput = z.object({ promptId: id }).strict();
const expectedRevision = z.number().int().positive();

export const datasetOnlyInput = datasetInput;
export const promptOnlyInput = promptInput;
export const emptyInput = z.object({}).strict();

export const vocabularyUpdateInput = z.object({ datasetId: id, changes: z.array(vocabularyChangeSchema).min(1).max(1000) }).strict();

export const instructionSaveInput = z.object({ text: z.string().min(1).max(8000) }).strict();
export const instructionPreviewInput = z.object({ datasetId: id, personId: z.number().int() }).strict();
export const instructionPreviewSchema = z.object({ version: z.number().int().positive(), words: z.array(z.string()), text: z.string() });

export const chatSettingsViewSchema = chatSettingsSchema.extend({
  apiKeySet: z.boolean(),
  /** Source of the key, such as "environment variable MPREID_OPENAI_API_KEY". */
  apiKeySource: z.string(),
});
export const chatSettingsUpdateInput = chatSettingsSchema.partial().strict();
export const apiKeyInput = z.object({ apiKey: z.string().trim().min(1).max(500).nullable() }).strict();
export const apiKeyStatusSchema = z.object({ apiKeySet: z.boolean(), apiKeySource: z.string() });

export const generateInput = z
  .object({
    datasetId: id,
    generator: generatorSchema,
    personIds: z.array(z.number().int()).min(1).max(100_000).optional(),
    /** Chat generator only: replace the stored base URL and model for this run. */
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).max(200).optional(),
    overwriteEdits: z.boolean().default(false),
  })
  .strict();

export const promptListInput = z
  .object({
    datasetId: id,
    reviewStatus: reviewStatusSchema.optional(),
    failedChecksOnly: z.boolean().default(false),
    /** Keeps identities whose current ChatGPT prompt contains this text, ignoring case. */
    text: z.string().max(500).optional(),
    /** Keeps identities whose attribute has this coded value. */
    attribute: z.object({ name: z.string().min(1).max(100), value: z.number().int() }).strict().optional(),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export const promptListSchema = z.object({ total: count, items: z.array(promptListItemSchema) });

export const identityInput = z.object({ identityId: id }).strict();
export const imageInput = z.object({ imageId: id }).strict();
export const imagePromptsSchema = z.array(z.object({ questionKey: z.string(), answer: promptViewSchema.nullable(), sentence: promptViewSchema.nullable() }));

export const compareInput = z.object({ promptId: id, from: z.number().int().positive(), to: z.number().int().positive() }).strict();
export const compareSchema = z.object({ from: promptRevisionSchema, to: promptRevisionSchema, segments: z.array(diffSegmentSchema) });

export const editInput = z.object({ promptId: id, text: z.string().max(5000), expectedRevision }).strict();
export const revertInput = z.object({ promptId: id, revision: z.number().int().positive(), expectedRevision }).strict();
export const undoInput = z.object({ promptId: id, expectedRevision }).strict();
export const reviewInput = z.object({ identityId: id, status: reviewStatusSchema, note: z.string().max(2000).default('') }).strict();

export const exportInput = z
  .object({
    datasetId: id,
    format: exchangeFormatSchema.optional(),
    /** Absolute path to write; without it the export is returned as `content`. */
    filePath: z.string().min(1).max(4096).optional(),
  })
  .strict();
export const exportResultSchema = z.object({
  format: exchangeFormatSchema,
  records: count,
  countsByKind: z.record(z.string(), count),
  filePath: z.string().nullable(),
  content: z.string().nullable(),
});

export const importInput = z
  .object({
    datasetId: id,
    format: exchangeFormatSchema.optional(),
    filePath: z.string().min(1).max(4096).optional(),
    content: z.string().max(200 * 1024 * 1024).optional(),
    onConflict: conflictPolicySchema.default('abort'),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((value) => (value.filePath === undefined) !== (value.content === undefined), { message: 'give exactly one of filePath and content' });

export const questionBankSchema = z.array(vqaQuestionSchema);
export const questionsSaveInput = z.object({ questions: z.array(vqaQuestionSchema).min(1).max(50) }).strict();

export const vqaRunInput = z
  .object({
    datasetId: id,
    provider: vqaProviderSchema,
    personIds: z.array(z.number().int()).min(1).max(100_000).optional(),
    split: z.enum(['train', 'query', 'gallery']).optional(),
    overwriteEdits: z.boolean().default(false),
  })
  .strict();
