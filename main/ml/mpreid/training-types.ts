import type { RetrievalFigures } from '../../api/schemas';
import type { ExecutionProviderChoice } from '../runtime';

/** Explicit prompt kinds an MP-ReID run can align image features with; the implicit prompt is always used. */
export interface ExplicitPromptKinds {
  /** The identity's coarse attribute words joined into one phrase ("male, short hair, black upper body"). */
  attributeWords: boolean;
  /** The identity's ChatGPT prompt: its current revision, from a chat model or the offline template. */
  chat: boolean;
  /** The identity's VQA sentences, one per question, from its majority answers. */
  vqa: boolean;
}

export const presetNames = ['learnable', 'attribute-words', 'vqa', 'chat', 'chat-vqa'] as const;
export type PresetName = (typeof presetNames)[number];

/** Weights of the loss terms; a term with weight 0 is left out of the graph. */
export interface LossWeights {
  cls: number;
  m2p: number;
  p2m: number;
  m2pce: number;
  id: number;
  tri: number;
}

export interface ScratchTextEncoder {
  source: 'scratch';
  width: number;
  layers: number;
  heads: number;
  /** Tokens per sentence, start and end tokens included; longer sentences are cut before the end token. */
  contextLength: number;
}

export interface ClipTextEncoder {
  source: 'clip';
  /** Safetensors or ONNX file with CLIP ViT-B/16 text weights, kept frozen. */
  weightsPath: string;
}

export interface MpreidConfig {
  preset: PresetName | 'custom';
  prompts: ExplicitPromptKinds;
  /** Stage 1 learns the implicit prompt tokens with everything else frozen. */
  stage1Epochs: number;
  stage1LearningRate: number;
  /** Stage 2 trains the projection, text side, fusion and heads, with implicit prompt features fixed. */
  stage2Epochs: number;
  learningRate: number;
  warmupEpochs: number;
  weightDecay: number;
  identitiesPerBatch: number;
  imagesPerIdentity: number;
  lossWeights: LossWeights;
  /** Learnable tokens per identity; they replace the run of X tokens in the dataset's implicit prompt template. */
  implicitTokens: number;
  /** Width of the joint image-text space. */
  jointWidth: number;
  textEncoder: ScratchTextEncoder | ClipTextEncoder;
  /** Optimizer steps per epoch; by default the training images divided by the batch size. */
  stepsPerEpoch?: number;
  seed: number;
  evaluateEachEpoch: boolean;
  /**
   * 'image' evaluates image features alone. 'image-with-identity-prompts' adds
   * each image's identity prompt features, which come from ground-truth
   * attributes: an oracle whose figures must be marked as such.
   */
  evaluationFeatures: 'image' | 'image-with-identity-prompts';
  executionProvider: ExecutionProviderChoice;
}

/** Token ids of an identity's prompts, tokenized with CLIP's tokenizer; absent kinds are empty. */
export interface IdentityPromptTokens {
  attributeWords: number[] | null;
  chat: number[] | null;
  /** One sentence per VQA question, in question-bank order. */
  vqa: number[][];
}

export interface FeatureSet {
  /** Row-major [count, featureWidth] frozen image-encoder features. */
  features: Float32Array;
  personIds: Int32Array;
  cameraIds: Int32Array;
  imageIds: Int32Array;
}

/** Everything a run reads from the workspace, loaded once before training starts. */
export interface MpreidTrainingData {
  featureWidth: number;
  train: FeatureSet;
  /** Dense class index 0..classes-1 of each training image, in ascending person id order. */
  trainLabels: Int32Array;
  classes: number;
  /** Prompt tokens of each class, indexed by class. */
  prompts: IdentityPromptTokens[];
  /** The dataset's implicit prompt, tokenized, and the positions of its learnable tokens (each written X). */
  implicitTemplate: { tokens: number[]; learnablePositions: number[] };
  /** Query and gallery for evaluation after each epoch; absent when the dataset has none. */
  query?: FeatureSet;
  gallery?: FeatureSet;
  /** Prompts of query and gallery identities by person id; only an oracle evaluation reads them. */
  testPrompts?: Map<number, IdentityPromptTokens>;
}

export type TrainingStage = 'stage1' | 'stage2';

export interface StepRecord {
  stage: TrainingStage;
  epoch: number;
  /** 1-based step within the stage. */
  step: number;
  learningRate: number;
  losses: Record<string, number>;
}

export interface EpochRecord {
  stage: TrainingStage;
  epoch: number;
  /** Mean of each loss term over the epoch's steps. */
  losses: Record<string, number>;
  /** Query-to-gallery figures of the retrieval feature after the epoch; null when not evaluated. */
  figures: RetrievalFigures | null;
  seconds: number;
}

/** Files a finished run leaves in its folder. */
export interface MpreidArtifacts {
  /** Maps a frozen-encoder feature [n, featureWidth] to 'embedding' (retrieval feature) and 'joint' (u_M, normalised). */
  imageHeadPath: string;
  /** Maps token ids 'tokens' int64 [n, contextLength] and 'eos_index' int64 [n] to 'joint' (u_P, normalised). */
  textEncoderPath: string;
  contextLength: number;
}

export interface MpreidOutcome {
  epochs: EpochRecord[];
  /** Figures after the last epoch, or null without a query and gallery. */
  figures: RetrievalFigures | null;
  artifacts: MpreidArtifacts;
  /** Whether the run continued from a checkpoint. */
  resumed: boolean;
  /** The makeup of the evaluated query and gallery features, in words. */
  features: string;
  /** True when evaluation used label-derived prompts (see MpreidConfig.evaluationFeatures). */
  oracle: boolean;
}

/** Callbacks of a running training; the trainer awaits none of them. */
export interface MpreidHooks {
  onStep?(record: StepRecord): void;
  onEpoch?(record: EpochRecord): void;
}
