import type { AppContext } from '../../app-context';
import { NotFoundError } from '../../errors';
import { resolveExecutionProvider } from '../../ml/runtime';
import type { VqaProviderRequest } from '../../prompts/api-schemas';
import { readLabelledIdentities, wordsOf } from '../../prompts/attribute-words';
import { describeApiKey, openChatClient } from '../../prompts/chat-endpoint';
import { generatePrompts } from '../../prompts/generate-prompts';
import { getIdentityPrompts, listIdentityPrompts } from '../../prompts/identity-prompts';
import { getImplicitPrompt } from '../../prompts/implicit-prompt';
import { currentInstruction, listInstructions, renderInstruction, saveInstruction } from '../../prompts/instructions';
import { compareRevisions, editPrompt, redoPrompt, revertPrompt, undoPrompt } from '../../prompts/prompt-editing';
import { exportPrompts, importPrompts } from '../../prompts/prompt-exchange';
import { findPromptRow, getPromptView, listRevisions } from '../../prompts/prompt-store';
import { setReview } from '../../prompts/reviews';
import { chatApiKeySecret, secretStore } from '../../prompts/secret-store';
import { readChatSettings, updateChatSettings } from '../../prompts/settings';
import { listVocabulary, updateVocabulary } from '../../prompts/vocabulary';
import type { VqaAnswerProvider } from '../../prompts/vqa/answer-provider';
import { createChatAnswerProvider } from '../../prompts/vqa/chat-answer-provider';
import { createOnnxAnswerProvider } from '../../prompts/vqa/onnx-answer-provider';
import { readQuestionBank, resetQuestionBank, saveQuestionBank } from '../../prompts/vqa/question-bank';
import { runVqa, vqaSubject } from '../../prompts/vqa/run-vqa';
import type { ApiMethodName } from '../contract';
import type { ApiHandlers } from '../dispatcher';

type PromptMethodName = Extract<ApiMethodName, `prompts.${string}`>;

/** Handlers of the prompts.* methods; services live in main/prompts. */
export const promptHandlers: Pick<ApiHandlers, PromptMethodName> = {
  'prompts.vocabulary.list': (input, context) => listVocabulary(context.db, input.datasetId),
  'prompts.vocabulary.update': (input, context) => updateVocabulary(context.db, input.datasetId, input.changes),

  'prompts.instruction.get': (_input, context) => currentInstruction(context.db),
  'prompts.instruction.list': (_input, context) => listInstructions(context.db),
  'prompts.instruction.save': (input, context) => saveInstruction(context.db, input.text),
  'prompts.instruction.preview': (input, context) => {
    const [identity] = readLabelledIdentities(context.db, input.datasetId, [input.personId]);
    if (!identity) throw new NotFoundError(`Dataset ${input.datasetId} has no identity with person id ${input.personId}.`);
    const instruction = currentInstruction(context.db);
    const words = wordsOf(identity.labels);
    return { version: instruction.version, words, text: renderInstruction(instruction.text, words) };
  },

  'prompts.chatSettings.get': async (_input, context) => ({ ...readChatSettings(context.db), ...(await describeApiKey()) }),
  'prompts.chatSettings.update': async (input, context) => ({ ...updateChatSettings(context.db, input), ...(await describeApiKey()) }),
  'prompts.apiKey.set': async (input) => {
    if (input.apiKey === null) await secretStore().delete(chatApiKeySecret);
    else await secretStore().set(chatApiKeySecret, input.apiKey);
    return describeApiKey();
  },

  'prompts.generate': async (input, context) => {
    const stored = readChatSettings(context.db);
    const chat = input.generator === 'chat' ? await openChatClient(stored, { baseUrl: input.baseUrl, model: input.model }) : null;
    const params = { datasetId: input.datasetId, generator: input.generator, personIds: input.personIds?.length ?? 'all', model: chat?.settings.model ?? null };
    return context.jobs.run('prompts.generate', params, (progress) =>
      generatePrompts(context.db, input, progress, { settings: chat?.settings ?? stored, client: chat?.client, instruction: currentInstruction(context.db) }),
    );
  },

  'prompts.list': (input, context) => listIdentityPrompts(context.db, input),
  'prompts.identity': (input, context) => getIdentityPrompts(context.db, input.identityId),
  'prompts.image': (input, context) => imagePrompts(context, input.imageId),
  'prompts.implicit': (input, context) => getImplicitPrompt(context.db, input.datasetId),
  'prompts.get': (input, context) => getPromptView(context.db, input.promptId),
  'prompts.history': (input, context) => listRevisions(context.db, input.promptId),
  'prompts.compare': (input, context) => compareRevisions(context.db, input.promptId, input.from, input.to),
  'prompts.edit': (input, context) => editPrompt(context.db, input.promptId, input.text, input.expectedRevision),
  'prompts.revert': (input, context) => revertPrompt(context.db, input.promptId, input.revision, input.expectedRevision),
  'prompts.undo': (input, context) => undoPrompt(context.db, input.promptId, input.expectedRevision),
  'prompts.redo': (input, context) => redoPrompt(context.db, input.promptId, input.expectedRevision),
  'prompts.review': (input, context) => setReview(context.db, input.identityId, input.status, input.note),

  'prompts.export': (input, context) => exportPrompts(context.db, input.datasetId, input.format, input.filePath),
  'prompts.import': (input, context) =>
    importPrompts(context.db, input.datasetId, input, { onConflict: input.onConflict, dryRun: input.dryRun }),

  'prompts.questions.get': (_input, context) => readQuestionBank(context.db),
  'prompts.questions.save': (input, context) => saveQuestionBank(context.db, input.questions),
  'prompts.questions.reset': (_input, context) => resetQuestionBank(context.db),
  'prompts.vqa.run': async (input, context) => {
    const settings = readChatSettings(context.db);
    const provider = await openAnswerProvider(context, input.provider);
    const params = { datasetId: input.datasetId, provider: provider.generator, model: provider.model, split: input.split ?? null };
    try {
      return await context.jobs.run('prompts.vqa', params, (progress) => runVqa(context.db, input, provider, progress, input.provider.kind === 'onnx' ? 1 : settings.concurrency));
    } finally {
      await provider.close();
    }
  },
};

async function openAnswerProvider(context: AppContext, request: VqaProviderRequest): Promise<VqaAnswerProvider> {
  if (request.kind === 'chat') {
    const settings = readChatSettings(context.db);
    const { client, settings: effective } = await openChatClient(settings, { baseUrl: request.baseUrl, model: request.model ?? settings.visionModel });
    return createChatAnswerProvider(client, effective.model);
  }

  const { provider } = resolveExecutionProvider(context.settings.executionProvider);
  const { modelPath, inputName, height, width, mean, std, channelOrder, outputs } = request;
  return createOnnxAnswerProvider({ modelPath, inputName, card: { height, width, mean, std, channelOrder }, outputs, executionProvider: provider });
}

function imagePrompts(context: AppContext, imageId: number) {
  const image = context.db.prepare('SELECT dataset_id FROM images WHERE id = ?').get(imageId) as { dataset_id: number } | undefined;
  if (!image) throw new NotFoundError(`Image ${imageId} does not exist in this workspace.`);

  const keys = new Set(readQuestionBank(context.db).map((question) => question.key));
  const stored = context.db.prepare("SELECT DISTINCT question_key FROM prompts WHERE image_id = ? AND kind IN ('vqa_answer', 'vqa_sentence')").all(imageId) as { question_key: string }[];
  for (const row of stored) keys.add(row.question_key);

  return [...keys].map((questionKey) => {
    const view = (kind: 'vqa_answer' | 'vqa_sentence') => {
      const row = findPromptRow(context.db, vqaSubject(image.dataset_id, kind, imageId, questionKey));
      return row ? getPromptView(context.db, row.id) : null;
    };
    return { questionKey, answer: view('vqa_answer'), sentence: view('vqa_sentence') };
  });
}
