import { z } from 'zod';

/** Shapes of the VQA values that cross the API: questions, aggregated answers, providers and job reports. Pure zod. */

const id = z.number().int().positive();
const count = z.number().int().nonnegative();

export const answerTypeSchema = z.enum(['yes_no', 'colour', 'category']);
export type AnswerType = z.infer<typeof answerTypeSchema>;

export const vqaQuestionSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected a lower-case key such as headwear'),
  question: z.string().min(3).max(500),
  answerType: answerTypeSchema,
  /** Allowed answers of a category question, such as backpack, handbag, bag, none. */
  categories: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  /** Whether a category answer also names a colour, as in "red jacket". */
  withColour: z.boolean().default(false),
  /**
   * Declarative templates by normalised answer, '*' for any other answer.
   * `{answer}` is the answer and `{article}` is "a", "an" or nothing before it.
   */
  templates: z.record(z.string(), z.string().min(1).max(500)),
});
export type VqaQuestion = z.infer<typeof vqaQuestionSchema>;

export const vqaAggregateSchema = z.object({
  questionKey: z.string(),
  question: z.string(),
  /** Most frequent normalised answer over the identity's images, or null when none was parsed. */
  answer: z.string().nullable(),
  /** Fraction of the images with a parsed answer that agreed with `answer`. */
  share: z.number().min(0).max(1),
  answeredImages: count,
  sentence: z.string().nullable(),
});
export type VqaAggregate = z.infer<typeof vqaAggregateSchema>;

export const vqaProviderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chat'), baseUrl: z.string().url().optional(), model: z.string().min(1).optional() }).strict(),
  z
    .object({
      kind: z.literal('onnx'),
      modelPath: z.string().min(1).max(4096),
      inputName: z.string().min(1),
      height: z.number().int().min(8).max(4096),
      width: z.number().int().min(8).max(4096),
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
      channelOrder: z.enum(['RGB', 'BGR']),
      /** Mapping of model outputs to questions: one score means yes/no at `threshold`, several mean argmax over `labels`. */
      outputs: z
        .array(
          z.object({
            questionKey: z.string(),
            outputName: z.string().min(1),
            labels: z.array(z.string().min(1)).min(1),
            threshold: z.number().min(0).max(1).default(0.5),
          }),
        )
        .min(1),
    })
    .strict(),
]);
export type VqaProviderRequest = z.infer<typeof vqaProviderSchema>;

export const vqaReportSchema = z.object({
  datasetId: id,
  generator: z.string(),
  model: z.string(),
  images: count,
  answeredImages: count,
  upToDateImages: count,
  answers: count,
  unparsedAnswers: count,
  sentences: count,
  failedImages: z.array(z.object({ imageId: id, message: z.string() })),
  promptTokens: count,
  completionTokens: count,
  seconds: z.number(),
});
export type VqaReport = z.infer<typeof vqaReportSchema>;
