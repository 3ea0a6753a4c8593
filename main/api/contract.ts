import { z } from 'zod';
import {
  absolutePath,
  datasetSummarySchema,
  embeddingReportSchema,
  evaluationResultSchema,
  executionProviderSchema,
  idSchema,
  identityDetailSchema,
  identitySummarySchema,
  importReportSchema,
  jobProgressSchema,
  jobStatusSchema,
  jobSummarySchema,
  modelCardSchema,
  modelSummarySchema,
  rankedImageSchema,
  splitSchema,
  tensorDeclarationSchema,
} from './schemas';
import * as promptSchemas from '../prompts/api-schemas';
import { trainingContractEntries } from './training-contract';

/**
 * The one API contract. Electron IPC (preload), the local web server and the
 * command line are all generated from this table, so a method name is written
 * here and nowhere else. Pure zod: the renderer imports it too.
 */

interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  summary: string;
}

function method<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): MethodSpec<I, O> {
  return { input, output, summary };
}

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

/** A PNG or JPEG image sent inline, at most 20 MB of base64. */
const imageDataUrl = z
  .string()
  .max(20 * 1024 * 1024)
  .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/, 'expected a data URL of a PNG or JPEG image');

export const apiContract = {
  'workspace.info': method(
    'Path, schema version and execution providers of the open workspace.',
    empty,
    z.object({
      path: z.string(),
      schemaVersion: z.number().int(),
      executionProviders: z.object({
        available: z.array(z.enum(['cpu', 'cuda'])),
        preferred: executionProviderSchema,
        active: z.enum(['cpu', 'cuda']),
        note: z.string().nullable(),
      }),
    }),
  ),

  'files.browse': method(
    'Lists the folders and the files with the given extensions in a folder, for the folder and file pickers.',
    z
      .object({
        path: absolutePath.optional(),
        extensions: z.array(z.string().regex(/^\.[a-z0-9]{1,12}$/)).max(8).default([]),
      })
      .strict(),
    z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(z.object({ name: z.string(), path: z.string(), kind: z.enum(['folder', 'file']) })),
      truncated: z.boolean(),
    }),
  ),

  'datasets.list': method('Datasets in the workspace.', empty, z.array(datasetSummarySchema)),
  'datasets.import': method(
    'Imports a Market-1501 or DukeMTMC-reID folder, with an optional attribute .mat file.',
    z
      .object({
        datasetDir: absolutePath,
        name: z.string().min(1).max(200).optional(),
        attributesFile: absolutePath.optional(),
      })
      .strict(),
    importReportSchema,
  ),
  'datasets.delete': method('Deletes a dataset and everything imported with it.', z.object({ datasetId: idSchema }).strict(), ok),

  'identities.list': method(
    'Identities of a dataset, one page at a time.',
    z
      .object({
        datasetId: idSchema,
        split: splitSchema.optional(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    z.object({ total: z.number().int(), items: z.array(identitySummarySchema) }),
  ),
  'identities.get': method(
    "One identity's images grouped by camera, with its attribute table.",
    z.object({ identityId: idSchema }).strict(),
    identityDetailSchema,
  ),
  'attributes.update': method(
    "Sets one coded attribute value of an identity, correcting its label; returns the identity's updated page.",
    z.object({ identityId: idSchema, name: z.string().min(1).max(100), value: z.number().int() }).strict(),
    identityDetailSchema,
  ),
  'images.read': method(
    'An image as a data URL, optionally scaled down to fit maxSide pixels.',
    z.object({ imageId: idSchema, maxSide: z.number().int().min(16).max(1024).optional() }).strict(),
    z.object({ dataUrl: z.string(), width: z.number().int(), height: z.number().int() }),
  ),

  'models.inspect': method(
    'Inputs and outputs that an ONNX file declares, and a model card proposed from them.',
    z.object({ filePath: absolutePath }).strict(),
    z.object({
      inputs: z.array(tensorDeclarationSchema),
      outputs: z.array(tensorDeclarationSchema),
      proposedCard: modelCardSchema.nullable(),
    }),
  ),
  'models.register': method(
    'Registers an ONNX image model with its model card; rejects a card that contradicts the file.',
    z.object({ filePath: absolutePath, name: z.string().min(1).max(200).optional(), card: modelCardSchema }).strict(),
    modelSummarySchema,
  ),
  'models.list': method('Registered models.', empty, z.array(modelSummarySchema)),

  'embeddings.run': method(
    'Embeds the images of a dataset that have no cached embedding for the model.',
    z
      .object({
        datasetId: idSchema,
        modelId: idSchema,
        splits: z.array(splitSchema).min(1).optional(),
        executionProvider: executionProviderSchema.optional(),
      })
      .strict(),
    embeddingReportSchema,
  ),

  'search.run': method(
    'Ranks the gallery for a query image from the dataset or for an image given inline.',
    z
      .object({
        datasetId: idSchema,
        modelId: idSchema,
        queryImageId: idSchema.optional(),
        imageDataUrl: imageDataUrl.optional(),
        topK: z.number().int().min(1).max(500).default(20),
        hideSameCameraSameIdentity: z.boolean().default(true),
      })
      .strict()
      .refine((value) => (value.queryImageId === undefined) !== (value.imageDataUrl === undefined), {
        message: 'give exactly one of queryImageId and imageDataUrl',
      }),
    z.object({
      query: z.object({ imageId: idSchema.nullable(), personId: z.number().int().nullable(), cameraId: z.number().int().nullable() }),
      gallerySize: z.number().int(),
      results: z.array(rankedImageSchema),
      seconds: z.number(),
    }),
  ),

  'evaluation.run': method(
    'mAP, CMC and mINP of the dataset query split against its gallery, optionally with k-reciprocal re-ranking.',
    z
      .object({
        datasetId: idSchema,
        modelId: idSchema,
        rerank: z.boolean().default(false),
        worstQueries: z.number().int().min(0).max(500).default(50),
      })
      .strict(),
    evaluationResultSchema,
  ),

  'prompts.vocabulary.list': method(
    'Words that stand for each coded attribute value of a dataset in prompts, built-in or edited.',
    promptSchemas.datasetOnlyInput,
    z.array(promptSchemas.vocabularyEntrySchema),
  ),
  'prompts.vocabulary.update': method(
    'Changes the words (or null to leave a value out) and sentence role of coded attribute values.',
    promptSchemas.vocabularyUpdateInput,
    z.array(promptSchemas.vocabularyEntrySchema),
  ),
  'prompts.instruction.get': method('The current version of the chat instruction template.', promptSchemas.emptyInput, promptSchemas.instructionSchema),
  'prompts.instruction.list': method('Every version of the chat instruction template, oldest first.', promptSchemas.emptyInput, z.array(promptSchemas.instructionSchema)),
  'prompts.instruction.save': method(
    'Saves an edited chat instruction (it must contain {words}) as a new version.',
    promptSchemas.instructionSaveInput,
    promptSchemas.instructionSchema,
  ),
  'prompts.instruction.preview': method(
    "The current instruction with one identity's attribute words filled in, as the chat model receives it.",
    promptSchemas.instructionPreviewInput,
    promptSchemas.instructionPreviewSchema,
  ),
  'prompts.chatSettings.get': method(
    'Chat endpoint settings and whether an API key is set; the key itself is never returned.',
    promptSchemas.emptyInput,
    promptSchemas.chatSettingsViewSchema,
  ),
  'prompts.chatSettings.update': method('Changes chat endpoint settings.', promptSchemas.chatSettingsUpdateInput, promptSchemas.chatSettingsViewSchema),
  'prompts.apiKey.set': method(
    'Stores (or with null removes) the chat API key in the secret store; fails where the store is read-only.',
    promptSchemas.apiKeyInput,
    promptSchemas.apiKeyStatusSchema,
  ),
  'prompts.generate': method(
    "Generates identities' ChatGPT prompts with the offline template or a chat model, as a cancellable, resumable job.",
    promptSchemas.generateInput,
    promptSchemas.generationReportSchema,
  ),
  'prompts.list': method(
    "One page of a dataset's identities with their ChatGPT prompt and review status.",
    promptSchemas.promptListInput,
    promptSchemas.promptListSchema,
  ),
  'prompts.identity': method(
    "An identity's attribute labels and words, ChatGPT prompt, review status and majority VQA answers.",
    promptSchemas.identityInput,
    promptSchemas.identityPromptsSchema,
  ),
  'prompts.image': method("An image's VQA answer and sentence prompts, one entry per question.", promptSchemas.imageInput, promptSchemas.imagePromptsSchema),
  'prompts.implicit': method("A dataset's implicit prompt template, such as 'A photo of a X X X X person.'.", promptSchemas.datasetOnlyInput, promptSchemas.promptViewSchema),
  'prompts.get': method('One prompt with its current revision and undo/redo targets.', promptSchemas.promptOnlyInput, promptSchemas.promptViewSchema),
  'prompts.history': method("Every revision of a prompt, oldest first.", promptSchemas.promptOnlyInput, z.array(promptSchemas.promptRevisionSchema)),
  'prompts.compare': method('Word-level differences between two revisions of a prompt.', promptSchemas.compareInput, promptSchemas.compareSchema),
  'prompts.edit': method(
    'Saves an edited prompt text; fails with a conflict naming the current revision when expectedRevision is stale.',
    promptSchemas.editInput,
    promptSchemas.promptViewSchema,
  ),
  'prompts.revert': method('Restores the text of an earlier revision as a new revision.', promptSchemas.revertInput, promptSchemas.promptViewSchema),
  'prompts.undo': method('Undoes the last change of a prompt, as a new revision.', promptSchemas.undoInput, promptSchemas.promptViewSchema),
  'prompts.redo': method('Redoes the last undone change of a prompt, as a new revision.', promptSchemas.undoInput, promptSchemas.promptViewSchema),
  'prompts.review': method("Sets the review status (unreviewed, reviewed, flagged) and note of an identity's prompts.", promptSchemas.reviewInput, promptSchemas.reviewSchema),
  'prompts.export': method(
    'Exports all prompts and reviews of a dataset as JSON or CSV, to a file or returned inline.',
    promptSchemas.exportInput,
    promptSchemas.exportResultSchema,
  ),
  'prompts.import': method(
    'Imports a prompt export atomically; conflicts with analyst edits are reported, and applied only as onConflict says.',
    promptSchemas.importInput,
    promptSchemas.promptImportReportSchema,
  ),
  'prompts.questions.get': method('The VQA question bank.', promptSchemas.emptyInput, promptSchemas.questionBankSchema),
  'prompts.questions.save': method('Replaces the VQA question bank.', promptSchemas.questionsSaveInput, promptSchemas.questionBankSchema),
  'prompts.questions.reset': method('Restores the seven default VQA questions.', promptSchemas.emptyInput, promptSchemas.questionBankSchema),
  'prompts.vqa.run': method(
    "Answers the question bank for a dataset's images with a vision chat model or an ONNX attribute model, as a job.",
    promptSchemas.vqaRunInput,
    promptSchemas.vqaReportSchema,
  ),

  ...trainingContractEntries,

  'jobs.list': method('Recent jobs, newest first.', z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(jobSummarySchema)),
  'jobs.cancel': method('Asks a running job to stop.', z.object({ jobId: idSchema }).strict(), z.object({ cancelled: z.boolean() })),

  'settings.setExecutionProvider': method(
    'Sets the execution provider used for new inference sessions.',
    z.object({ executionProvider: executionProviderSchema }).strict(),
    ok,
  ),
} as const;

export const apiEvents = {
  'job.progress': jobProgressSchema,
  'job.finished': z.object({ jobId: idSchema, kind: z.string(), status: jobStatusSchema, error: z.object({ code: z.string(), message: z.string() }).nullable() }),
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethodName = keyof ApiContract;
export type ApiInput<M extends ApiMethodName> = z.input<ApiContract[M]['input']>;
export type ApiParsedInput<M extends ApiMethodName> = z.output<ApiContract[M]['input']>;
export type ApiOutput<M extends ApiMethodName> = z.output<ApiContract[M]['output']>;

export type ApiEvents = typeof apiEvents;
export type ApiEventName = keyof ApiEvents;
export type ApiEventPayload<E extends ApiEventName> = z.output<ApiEvents[E]>;

/** The client-side shape: `api['datasets.import'](input)`. */
export type ApiClient = { [M in ApiMethodName]: (input: ApiInput<M>) => Promise<ApiOutput<M>> };

export const apiMethodNames = Object.keys(apiContract) as ApiMethodName[];
export const apiEventNames = Object.keys(apiEvents) as ApiEventName[];

export function isApiMethodName(name: string): name is ApiMethodName {
  return Object.hasOwn(apiContract, name);
}
