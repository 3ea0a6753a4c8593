import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentProgress } from '../../main/jobs/progress';
import { ChatClient } from '../../main/prompts/chat-client';
import { getIdentityPrompts } from '../../main/prompts/identity-prompts';
import { editPrompt } from '../../main/prompts/prompt-editing';
import { findPromptRow, getPromptView } from '../../main/prompts/prompt-store';
import { aggregateAnswers } from '../../main/prompts/vqa/aggregate';
import { parseAnswer } from '../../main/prompts/vqa/answer-parsing';
import { createChatAnswerProvider } from '../../main/prompts/vqa/chat-answer-provider';
import { createOnnxAnswerProvider } from '../../main/prompts/vqa/onnx-answer-provider';
import { defaultQuestionBank, readQuestionBank, saveQuestionBank } from '../../main/prompts/vqa/question-bank';
import { runVqa, vqaSubject } from '../../main/prompts/vqa/run-vqa';
import { composeVqaSentence } from '../../main/prompts/vqa/vqa-sentences';
import { chatCompletion, imageUrls, startOpenAiTestServer, userText, type OpenAiTestServer } from '../helpers/openai-test-server';
import { dukeRoot, insertDataset, openTestWorkspace, smallDukeDataset, useTempDirs } from './fixtures';
import { tinyAttributeModel } from './tiny-attribute-model';

const tempDir = useTempDirs();
const question = (key: string) => defaultQuestionBank.find((candidate) => candidate.key === key)!;

const dukeImages = ['0001_c2_f0046182.jpg', '0001_c2_f0046302.jpg', '0001_c2_f0046422.jpg'].map((name) => `bounding_box_train/${name}`);

describe('VQA answers', () => {
  it('normalises free-text replies', () => {
    const cases: [string, string, string | null][] = [
      ['headwear', 'Yes, the person is wearing a cap.', 'yes'],
      ['headwear', 'No.', 'no'],
      ['headwear', 'The person is not wearing a hat.', 'no'],
      ['headwear', 'I cannot tell.', null],
      ['footwear', 'Grey sneakers.', 'gray'],
      ['footwear', 'They look navy.', 'blue'],
      ['footwear', 'Hard to say.', null],
      ['gender', 'A woman.', 'woman'],
      ['gender', 'male', 'man'],
      ['upper_clothing', 'A red jacket.', 'red jacket'],
      ['upper_clothing', 'a hoodie', 'sweater'],
      ['lower_clothing', 'Dark blue jeans', 'blue jeans'],
      ['lower_clothing', 'black pants', 'black trousers'],
      ['carried_item', 'Yes, a black backpack.', 'backpack'],
      ['carried_item', 'No, nothing.', 'none'],
      ['carried_item', 'a purse', 'handbag'],
      ['hair', 'Long hair.', 'long'],
    ];
    for (const [key, reply, expected] of cases) {
      expect(parseAnswer(question(key), reply).answer, `${key}: ${reply}`).toBe(expected);
    }
  });

  it('composes declarative sentences', () => {
    expect(composeVqaSentence(question('headwear'), 'yes')).toBe('The person is wearing a hat.');
    expect(composeVqaSentence(question('headwear'), 'no')).toBe('The person is not wearing a hat.');
    expect(composeVqaSentence(question('upper_clothing'), 'orange coat')).toBe('The person is wearing an orange coat on the upper body.');
    expect(composeVqaSentence(question('lower_clothing'), 'blue jeans')).toBe('The person is wearing blue jeans on the lower body.');
    expect(composeVqaSentence(question('carried_item'), 'none')).toBe('The person is not carrying a bag.');
    expect(composeVqaSentence(question('gender'), 'woman')).toBe('The person is a woman.');
    expect(composeVqaSentence(question('footwear'), 'white')).toBe('The person is wearing white shoes.');
  });

  it('aggregates by majority with its share', () => {
    expect(aggregateAnswers(question('headwear'), ['yes', 'no', 'yes'])).toMatchObject({ answer: 'yes', share: 2 / 3, answeredImages: 3, sentence: 'The person is wearing a hat.' });
    expect(aggregateAnswers(question('headwear'), ['no', 'yes'])).toMatchObject({ answer: 'no', share: 0.5 });
    expect(aggregateAnswers(question('headwear'), [])).toMatchObject({ answer: null, share: 0, sentence: null });
  });

  it('edits the question bank', () => {
    const db = openTestWorkspace(tempDir('questions'));
    const bank = readQuestionBank(db);

    saveQuestionBank(db, [...bank, { key: 'glasses', question: 'Is the person wearing glasses?', answerType: 'yes_no', categories: [], withColour: false, templates: { yes: 'The person wears glasses.', no: 'The person wears no glasses.' } }]);

    expect(readQuestionBank(db)).toHaveLength(8);
    expect(() => saveQuestionBank(db, [{ ...bank[5], templates: { yes: 'Yes.' } }])).toThrow(/needs a "yes" and a "no" template/);
    expect(() => saveQuestionBank(db, [bank[0], bank[0]])).toThrow(/lists the key "gender" twice/);
    db.close();
  });
});

describe('VQA with a vision chat model', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await startOpenAiTestServer();
  });
  afterEach(() => server.close());

  function setUp() {
    const db = openTestWorkspace(tempDir('vqa'));
    const fixture = smallDukeDataset();
    fixture.identities[0].images = dukeImages.map((path) => ({ path, split: 'train' as const, cameraId: 2 }));
    const dataset = insertDataset(db, fixture);
    const client = new ChatClient({ baseUrl: server.baseUrl, model: 'vision-model', apiKey: null, timeoutMs: 5000, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10 } });
    return { db, dataset, provider: createChatAnswerProvider(client, 'vision-model') };
  }

  /** Answers hat questions "yes" for the first two images and "no" for the third; others plainly. */
  function answerByImage() {
    const imageOrder: string[] = [];
    server.setResponder((request) => {
      const url = imageUrls(request)[0];
      if (!imageOrder.includes(url)) imageOrder.push(url);
      const text = userText(request);
      if (text.startsWith('Is the person wearing a hat?')) return chatCompletion(imageOrder.indexOf(url) < 2 ? 'Yes.' : 'No, no hat.');
      if (text.startsWith("What colour are the person's shoes?")) return chatCompletion('Hmm, unclear.');
      return chatCompletion('A black backpack, a man, short hair, a gray jacket and blue jeans.');
    });
  }

  it('sends each image as a data URL', async () => {
    const { db, dataset, provider } = setUp();
    answerByImage();

    const report = await runVqa(db, { datasetId: dataset.datasetId }, provider, silentProgress(), 1);

    expect(report).toMatchObject({ images: 3, answeredImages: 3, answers: 21, unparsedAnswers: 3, sentences: 18, failedImages: [] });
    expect(server.requests).toHaveLength(21);
    for (const request of server.requests) {
      expect(request.body.model).toBe('vision-model');
      expect(imageUrls(request)).toHaveLength(1);
      expect(imageUrls(request)[0]).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    }
    const sentUrls = new Set(server.requests.map((request) => imageUrls(request)[0]));
    expect(sentUrls.size).toBe(3);
    db.close();
  });

  it('stores answers per image and aggregates per identity', async () => {
    const { db, dataset, provider } = setUp();
    answerByImage();

    await runVqa(db, { datasetId: dataset.datasetId }, provider, silentProgress(), 2);
    const identity = getIdentityPrompts(db, dataset.identityIds.get(1)!);

    const headwear = identity.vqa.find((entry) => entry.questionKey === 'headwear')!;
    expect(headwear).toMatchObject({ answer: 'yes', share: 2 / 3, answeredImages: 3, sentence: 'The person is wearing a hat.' });
    expect(identity.vqa.find((entry) => entry.questionKey === 'footwear')).toMatchObject({ answer: null, answeredImages: 0 });
    expect(identity.vqa.find((entry) => entry.questionKey === 'carried_item')).toMatchObject({ answer: 'backpack', share: 1 });
    expect(identity.attributes.find((attribute) => attribute.name === 'hat')).toMatchObject({ value: 1, meaning: 'no' });

    const answer = findPromptRow(db, vqaSubject(dataset.datasetId, 'vqa_answer', dataset.imageIds.get(dukeImages[0])!, 'footwear'))!;
    expect(getPromptView(db, answer.id).current).toMatchObject({ text: 'unknown', failedChecks: [{ check: 'unparsed' }], generator: 'vqa-chat', model: 'vision-model' });
    db.close();
  });

  it('skips answered images and keeps edited sentences', async () => {
    const { db, dataset, provider } = setUp();
    answerByImage();
    await runVqa(db, { datasetId: dataset.datasetId }, provider, silentProgress(), 2);
    const sentence = findPromptRow(db, vqaSubject(dataset.datasetId, 'vqa_sentence', dataset.imageIds.get(dukeImages[2])!, 'headwear'))!;
    editPrompt(db, sentence.id, 'The person wears a hood, not a hat.', 1);
    const requestsBefore = server.requests.length;

    const second = await runVqa(db, { datasetId: dataset.datasetId }, provider, silentProgress(), 2);

    expect(second).toMatchObject({ upToDateImages: 3, answeredImages: 0 });
    expect(server.requests).toHaveLength(requestsBefore);
    expect(getPromptView(db, sentence.id).current.text).toBe('The person wears a hood, not a hat.');
    db.close();
  });
});

describe('VQA with an ONNX attribute model', () => {
  const card = { height: 16, width: 8, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number], channelOrder: 'RGB' as const };

  async function provider(dir: string) {
    const modelPath = join(dir, 'tiny-attributes.onnx');
    writeFileSync(modelPath, tinyAttributeModel(card.height, card.width));
    return createOnnxAnswerProvider({
      modelPath,
      inputName: 'image',
      card,
      outputs: [
        { questionKey: 'headwear', outputName: 'hat', labels: ['yes', 'no'], threshold: 0.5 },
        { questionKey: 'footwear', outputName: 'colour', labels: ['red', 'green', 'blue'], threshold: 0.5 },
      ],
      executionProvider: 'cpu',
    });
  }

  async function solidImage(dir: string, name: string, rgb: [number, number, number]): Promise<string> {
    const path = join(dir, name);
    await sharp({ create: { width: 32, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path);
    return path;
  }

  it('answers from the image', async () => {
    const dir = tempDir('onnx-vqa');
    const answers = await provider(dir);
    const questions = defaultQuestionBank.filter((candidate) => answers.supports(candidate));
    const signal = new AbortController().signal;

    const red = await answers.answer({ imageId: 1, filePath: await solidImage(dir, 'red.png', [200, 30, 30]) }, questions, signal);
    const blue = await answers.answer({ imageId: 2, filePath: await solidImage(dir, 'blue.png', [20, 40, 220]) }, questions, signal);
    const green = await answers.answer({ imageId: 3, filePath: await solidImage(dir, 'green.png', [20, 180, 60]) }, questions, signal);
    await answers.close();

    expect(questions.map((entry) => entry.key)).toEqual(['headwear', 'footwear']);
    expect(red.map((answer) => answer.answer)).toEqual(['yes', 'red']);
    expect(blue.map((answer) => answer.answer)).toEqual(['no', 'blue']);
    expect(green.map((answer) => answer.answer)).toEqual(['no', 'green']);
    expect(red[1].raw).toMatch(/^colour: \[0\.78\d*, 0\.11\d*, 0\.11\d*\]$/);
  });

  it('answers real Duke images in a VQA job', async () => {
    const dir = tempDir('onnx-vqa');
    const db = openTestWorkspace(dir);
    const fixture = smallDukeDataset();
    fixture.identities[0].images = dukeImages.map((path) => ({ path, split: 'train' as const, cameraId: 2 }));
    const dataset = insertDataset(db, fixture);
    const answers = await provider(dir);

    const report = await runVqa(db, { datasetId: dataset.datasetId }, answers, silentProgress(), 1);
    await answers.close();

    expect(report).toMatchObject({ generator: 'vqa-onnx', model: 'tiny-attributes.onnx', images: 3, answers: 6, unparsedAnswers: 0, sentences: 6 });
    let compared = 0;
    for (const path of dukeImages) {
      const row = findPromptRow(db, vqaSubject(dataset.datasetId, 'vqa_answer', dataset.imageIds.get(path)!, 'footwear'))!;
      const view = getPromptView(db, row.id);
      const { data } = await sharp(join(dukeRoot, path)).resize(card.width, card.height, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const sums = [0, 1, 2].map((channel) => data.filter((_, i) => i % 3 === channel).reduce((sum, value) => sum + value, 0));
      const dominant = ['red', 'green', 'blue'][sums.indexOf(Math.max(...sums))];
      const margin = (Math.max(...sums) - [...sums].sort((a, b) => b - a)[1]) / (card.width * card.height * 255);
      // Only images with a clear dominant channel are compared; resampling differences could flip near-ties.
      if (margin <= 0.01) continue;
      expect(view.current.text, path).toBe(dominant);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(0);
    db.close();
  });

  it('names a missing output', async () => {
    const dir = tempDir('onnx-vqa');
    const modelPath = join(dir, 'tiny.onnx');
    writeFileSync(modelPath, tinyAttributeModel(card.height, card.width));

    await expect(
      createOnnxAnswerProvider({ modelPath, inputName: 'image', card, outputs: [{ questionKey: 'headwear', outputName: 'helmet', labels: ['yes', 'no'], threshold: 0.5 }], executionProvider: 'cpu' }),
    ).rejects.toThrow(/has no output "helmet" for question "headwear"; its outputs are hat, colour/);
  });
});
