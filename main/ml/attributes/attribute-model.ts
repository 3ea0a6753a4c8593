import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelSummary } from '../../api/schemas';
import { NotFoundError } from '../../errors';
import type { VqaProviderRequest, VqaQuestion } from '../../prompts/api-schemas';
import type { OnnxVqaConfig } from '../../prompts/vqa/onnx-answer-provider';
import { appendHead } from '../models/compose-model';
import type { HeadPlan } from './head-plans';
import { featureInput } from './heads-graph';
import { addQuestionOutputs, type QuestionOutput } from './question-outputs';
import { exportHeads, type TrainedHeads } from './train-heads';

/** The ONNX answer provider's configuration of an exported attribute model, less the execution provider the caller picks. */
export type AttributeVqaConfig = Omit<OnnxVqaConfig, 'executionProvider'>;

export interface AttributeModelFiles {
  /** Heads alone: input 'features' [batch, width] of image features. */
  headsModel: Uint8Array;
  /** The composed image model and heads, written to disk. */
  modelPath: string;
  vqaConfig: AttributeVqaConfig;
}

/**
 * Exports trained heads with their question outputs, composes them with the
 * image model that computed the features, and writes the result as
 * `fileName` into `outputDir`, which is created when missing.
 */
export async function writeAttributeModel(trained: TrainedHeads, plans: readonly HeadPlan[], questions: readonly VqaQuestion[], imageModel: ModelSummary, outputDir: string, fileName: string): Promise<AttributeModelFiles> {
  let mappings: QuestionOutput[] = [];
  const headsModel = exportHeads(trained, (graph, probabilities) => (mappings = addQuestionOutputs(graph, probabilities, plans, questions)), {
    source: 'mpreid-workstation attribute heads',
    imageModel: imageModel.name,
    imageModelHash: imageModel.contentHash,
  });

  const imageBytes = await readImageModel(imageModel);
  const composed = appendHead(imageBytes, imageModel.card.outputName, headsModel, featureInput, { name: `${imageModel.name}+attribute_heads` });
  const modelPath = join(resolve(outputDir), fileName);
  await mkdir(resolve(outputDir), { recursive: true });
  await writeFile(modelPath, composed);

  const { height, width, mean, std, channelOrder } = imageModel.card;
  const vqaConfig: AttributeVqaConfig = {
    modelPath,
    inputName: imageModel.card.inputName,
    card: { height, width, mean, std, channelOrder },
    outputs: mappings.map((mapping) => ({ ...mapping, threshold: 0.5 })),
  };
  return { headsModel, modelPath, vqaConfig };
}

async function readImageModel(model: ModelSummary): Promise<Uint8Array> {
  try {
    return await readFile(model.filePath);
  } catch (error) {
    throw new NotFoundError(`Cannot read the file ${model.filePath} of image model ${model.modelId} ("${model.name}"): ${(error as Error).message}. Restore the file or register the model again.`, { cause: error });
  }
}

/** Converts the configuration to the 'onnx' provider request of prompts.vqa.run. */
export function toVqaProviderRequest(config: AttributeVqaConfig): VqaProviderRequest {
  const { card } = config;
  return { kind: 'onnx', modelPath: config.modelPath, inputName: config.inputName, height: card.height, width: card.width, mean: card.mean, std: card.std, channelOrder: card.channelOrder, outputs: config.outputs };
}
