import type { Db } from '../../db/workspace';
import { ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import type { VqaProviderRequest } from '../../prompts/api-schemas';
import { readQuestionBank } from '../../prompts/vqa/question-bank';
import { loadEmbeddings } from '../embedding/load-embeddings';
import { getModel } from '../models/registry';
import { readAttributeImages, readAttributeSchemas, type AttributeImage } from './attribute-rows';
import { toVqaProviderRequest, writeAttributeModel, type AttributeVqaConfig } from './attribute-model';
import { classOf, labelRows, planHeads, type HeadPlan } from './head-plans';
import { measureAccuracy, trainHeads, type HeadAccuracy, type LabelledFeatures } from './train-heads';

const log = createLogger('AttributeHeads');

export interface AttributeHeadsRequest {
  datasetId: number;
  /** Registered image model whose cached embeddings of the dataset are the frozen features. */
  imageModelId: number;
  epochs: number;
  seed: number;
  /** Folder the composed model file is written to. */
  outputDir: string;
}

export interface AttributeHeadsResult {
  modelPath: string;
  /** Accuracy of each head on the query and gallery images of identities with attributes. */
  accuracy: HeadAccuracy[];
  meanAccuracy: number;
  /** Questions of the VQA bank that the model answers. */
  questionKeys: string[];
  vqaConfig: AttributeVqaConfig;
  /** The same configuration as the 'onnx' provider request of prompts.vqa.run. */
  vqaProvider: VqaProviderRequest;
}

/**
 * Trains one softmax head per attribute (one per garment for the colour
 * attributes) on the cached features of a dataset's training images, measures
 * accuracy on the query and gallery images, and writes the heads composed
 * with the image model as an ONNX model that the ONNX VQA provider can run.
 */
export async function trainAttributeHeads(db: Db, request: AttributeHeadsRequest, progress: ProgressReporter): Promise<AttributeHeadsResult> {
  const imageModel = getModel(db, request.imageModelId);
  const schemas = readAttributeSchemas(db, request.datasetId);
  const images = readAttributeImages(db, request.datasetId);
  const trainImages = images.filter((image) => image.split === 'train');
  const testImages = images.filter((image) => image.split !== 'train');
  if (trainImages.length === 0) {
    throw new ValidationError(`Dataset ${request.datasetId} has no training images of identities with attributes; attribute heads need a bounding_box_train split labelled by the attribute file.`);
  }
  // A head without any labelled training image would only learn its initial weights.
  const plans = planHeads(schemas).filter((plan) => trainImages.some((image) => classOf(plan, image.codes) >= 0));
  log.info('attribute heads job started', { ...request, heads: plans.length, trainImages: trainImages.length, testImages: testImages.length });

  progress.update('loading features', 0, images.length);
  const trainData = labelledFeatures(db, request.imageModelId, trainImages, plans);
  const testData = labelledFeatures(db, request.imageModelId, testImages, plans);
  const trained = await trainHeads(plans, trainData, { epochs: request.epochs, seed: request.seed }, progress);

  progress.update('exporting', 0, 1);
  const fileName = `attribute-heads-d${request.datasetId}-m${request.imageModelId}-s${request.seed}.onnx`;
  const files = await writeAttributeModel(trained, plans, readQuestionBank(db), imageModel, request.outputDir, fileName);
  const accuracy = testImages.length === 0 ? [] : await measureAccuracy(files.headsModel, plans, testData);
  const measured = accuracy.filter((head) => head.images > 0);
  const meanAccuracy = measured.length === 0 ? 0 : measured.reduce((sum, head) => sum + head.accuracy, 0) / measured.length;
  progress.update('exporting', 1, 1);

  const questionKeys = files.vqaConfig.outputs.map((output) => output.questionKey);
  log.info('attribute heads job ended', { modelPath: files.modelPath, meanAccuracy, questionKeys });
  return { modelPath: files.modelPath, accuracy, meanAccuracy, questionKeys, vqaConfig: files.vqaConfig, vqaProvider: toVqaProviderRequest(files.vqaConfig) };
}

function labelledFeatures(db: Db, imageModelId: number, images: readonly AttributeImage[], plans: readonly HeadPlan[]): LabelledFeatures {
  const { dimension, features } = loadEmbeddings(
    db,
    imageModelId,
    images.map((image) => image.imageId),
  );
  return { features, featureWidth: dimension, labels: labelRows(plans, images.map((image) => image.codes)) };
}
