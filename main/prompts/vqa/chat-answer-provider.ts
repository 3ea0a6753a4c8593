import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { CancelledError, DatasetFormatError } from '../../errors';
import type { VqaQuestion } from '../api-schemas';
import type { ChatClient } from '../chat-client';
import { cacheKeyOf } from '../generation-cache';
import { parseAnswer } from './answer-parsing';
import type { VqaAnswer, VqaAnswerProvider, VqaImage } from './answer-provider';

/** Version of the answer instructions below; raising it makes reruns ask again. */
const promptVersion = 1;

/**
 * Answers questions with a vision chat model through the chat-completions
 * API: one request per question, the image sent inline as a base64 data URL.
 */
export function createChatAnswerProvider(client: ChatClient, model: string): VqaAnswerProvider {
  return {
    generator: 'vqa-chat',
    model,
    version: cacheKeyOf(['vqa-chat', promptVersion, model]),
    supports: () => true,
    answer: async (image, questions, signal) => {
      const dataUrl = await imageDataUrl(image);
      const answers: VqaAnswer[] = [];
      for (const question of questions) {
        if (signal.aborted) throw new CancelledError();
        answers.push(await askQuestion(client, model, dataUrl, question, signal));
      }
      return answers;
    },
    close: async () => {},
  };
}

async function askQuestion(client: ChatClient, model: string, dataUrl: string, question: VqaQuestion, signal: AbortSignal): Promise<VqaAnswer> {
  const reply = await client.complete(
    [
      {
        role: 'user',
        content: [
          { type: 'text', text: `${question.question} ${answerInstruction(question)}` },
          { type: 'image_url', image_url: { url: dataUrl } },
        ],
      },
    ],
    signal,
    model,
  );
  const parsed = parseAnswer(question, reply.text);
  return { questionKey: question.key, answer: parsed.answer, raw: reply.text, promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
}

export function answerInstruction(question: VqaQuestion): string {
  if (question.answerType === 'yes_no') return 'Answer with yes or no only.';
  if (question.answerType === 'colour') return 'Answer with one colour word only.';
  const options = question.categories.join(', ');
  return question.withColour ? `Answer with a colour and one of: ${options}; for example "red ${question.categories[0]}".` : `Answer with one of: ${options}.`;
}

/** Reads an image as a data URL; JPEG and PNG files are sent as stored, other formats as JPEG. */
async function imageDataUrl(image: VqaImage): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(image.filePath);
  } catch (error) {
    throw new DatasetFormatError(`Image ${image.imageId} cannot be read from ${image.filePath}: ${(error as Error).message}. Re-import the dataset if its folder moved.`, { cause: error });
  }

  if (bytes[0] === 0xff && bytes[1] === 0xd8) return `data:image/jpeg;base64,${bytes.toString('base64')}`;
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return `data:image/png;base64,${bytes.toString('base64')}`;
  const jpeg = await sharp(bytes).jpeg({ quality: 90 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
