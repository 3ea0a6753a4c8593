import type { VqaQuestion } from '../api-schemas';

/** An image to answer questions about. */
export interface VqaImage {
  imageId: number;
  /** Absolute path of the image file. */
  filePath: string;
}

export interface VqaAnswer {
  questionKey: string;
  /** Normalised answer, or null when the provider's output could not be read as the question's answer type. */
  answer: string | null;
  /** Provider output before normalisation: the chat reply, or the scores of an ONNX output. */
  raw: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Something that answers the question bank for one image: a vision chat model
 * or an attribute-recognition ONNX model. `generator` and `model` are stored
 * with every answer, and `version` (a hash of what decides the answers) makes
 * a rerun skip images already answered the same way.
 */
export interface VqaAnswerProvider {
  readonly generator: 'vqa-chat' | 'vqa-onnx';
  readonly model: string;
  readonly version: string;
  /** Questions the provider can answer; the others are left unanswered. */
  supports(question: VqaQuestion): boolean;
  answer(image: VqaImage, questions: readonly VqaQuestion[], signal: AbortSignal): Promise<VqaAnswer[]>;
  close(): Promise<void>;
}
