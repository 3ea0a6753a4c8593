import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CancelledError, NotFoundError, ShapeError, ValidationError } from '../../errors';
import { preprocessImage, type PreprocessCard } from '../../ml/embedding/preprocess';
import { createSession, float32Tensor, type ExecutionProvider } from '../../ml/runtime';
import type { VqaQuestion } from '../api-schemas';
import { cacheKeyOf } from '../generation-cache';
import { parseAnswer } from './answer-parsing';
import type { VqaAnswer, VqaAnswerProvider, VqaImage } from './answer-provider';

/** Mapping of one model output to one question. */
export interface OutputMapping {
  questionKey: string;
  outputName: string;
  /**
   * One score: [answer at or above `threshold`, answer below it], by default
   * yes and no. Several scores: one label per score, and the highest wins.
   */
  labels: string[];
  threshold: number;
}

export interface OnnxVqaConfig {
  modelPath: string;
  inputName: string;
  card: PreprocessCard;
  outputs: OutputMapping[];
  executionProvider: ExecutionProvider;
}

/**
 * Answers questions with an attribute-recognition ONNX model that takes one
 * image [1, 3, height, width], normalised as its card specifies, and returns
 * per-attribute scores (probabilities, after a sigmoid or softmax).
 */
export async function createOnnxAnswerProvider(config: OnnxVqaConfig): Promise<VqaAnswerProvider> {
  const bytes = await readModel(config.modelPath);
  const session = await createSession(bytes, { provider: config.executionProvider, intraOpThreads: 1 });
  checkDeclaredNames(config, session.inputs.map((input) => input.name), session.outputs.map((output) => output.name));
  const byQuestion = new Map(config.outputs.map((mapping) => [mapping.questionKey, mapping]));

  return {
    generator: 'vqa-onnx',
    model: basename(config.modelPath),
    version: cacheKeyOf(['vqa-onnx', createHash('sha256').update(bytes).digest('hex'), config.inputName, config.card, config.outputs]),
    supports: (question) => byQuestion.has(question.key),
    answer: async (image, questions, signal) => {
      if (signal.aborted) throw new CancelledError();
      const input = await preprocessImage(image.filePath, config.card);
      const wanted = questions.filter((question) => byQuestion.has(question.key));
      const outputNames = [...new Set(wanted.map((question) => byQuestion.get(question.key)!.outputName))];
      const results = await session.run({ [config.inputName]: float32Tensor(input, [1, 3, config.card.height, config.card.width]) }, outputNames);
      return wanted.map((question) => readAnswer(question, byQuestion.get(question.key)!, results[byQuestion.get(question.key)!.outputName].data, image));
    },
    close: () => session.release(),
  };
}

async function readModel(modelPath: string): Promise<Uint8Array> {
  try {
    return await readFile(modelPath);
  } catch (error) {
    throw new NotFoundError(`Cannot read the attribute model ${modelPath}: ${(error as Error).message}. Check the path.`, { cause: error });
  }
}

function checkDeclaredNames(config: OnnxVqaConfig, inputs: string[], outputs: string[]): void {
  if (!inputs.includes(config.inputName)) {
    throw new ValidationError(`The attribute model ${config.modelPath} has no input "${config.inputName}"; its inputs are ${inputs.join(', ')}.`);
  }
  for (const mapping of config.outputs) {
    if (!outputs.includes(mapping.outputName)) {
      throw new ValidationError(`The attribute model ${config.modelPath} has no output "${mapping.outputName}" for question "${mapping.questionKey}"; its outputs are ${outputs.join(', ')}.`);
    }
  }
}

function readAnswer(question: VqaQuestion, mapping: OutputMapping, scores: ArrayLike<number | bigint>, image: VqaImage): VqaAnswer {
  const values = Array.from(scores, Number);
  const label = values.length === 1 ? thresholdLabel(values[0], mapping) : argmaxLabel(values, mapping, image);
  const raw = `${mapping.outputName}: [${values.map((value) => value.toFixed(4)).join(', ')}]`;
  // Labels go through the same normalisation as chat replies, so "grey" is stored as "gray" either way.
  return { questionKey: question.key, answer: parseAnswer(question, label).answer, raw, promptTokens: 0, completionTokens: 0 };
}

function thresholdLabel(score: number, mapping: OutputMapping): string {
  const [positive, negative] = mapping.labels.length >= 2 ? mapping.labels : ['yes', 'no'];
  return score >= mapping.threshold ? positive : negative;
}

function argmaxLabel(values: number[], mapping: OutputMapping, image: VqaImage): string {
  if (values.length !== mapping.labels.length) {
    throw new ShapeError(`Output "${mapping.outputName}" gave ${values.length} scores for image ${image.imageId}, but question "${mapping.questionKey}" lists ${mapping.labels.length} labels. Give one label per score.`);
  }
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return mapping.labels[best];
}
