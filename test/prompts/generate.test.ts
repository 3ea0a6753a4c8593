import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../main/db/workspace';
import { CancelledError } from '../../main/errors';
import { silentProgress } from '../../main/jobs/progress';
import { chatSettingsWith, type ChatSettings } from '../../main/prompts/api-schemas';
import { ChatClient } from '../../main/prompts/chat-client';
import { generatePrompts, chatSubject, type GenerationRequest } from '../../main/prompts/generate-prompts';
import { currentInstruction, saveInstruction, defaultInstructionText } from '../../main/prompts/instructions';
import { editPrompt } from '../../main/prompts/prompt-editing';
import { findPromptRow, getPromptView, listRevisions } from '../../main/prompts/prompt-store';
import { getReview } from '../../main/prompts/reviews';
import { updateVocabulary } from '../../main/prompts/vocabulary';
import { chatCompletion, describeWordsResponder, errorReply, startOpenAiTestServer, userText, type OpenAiTestServer } from '../helpers/openai-test-server';
import { insertDataset, openTestWorkspace, smallDukeDataset, useTempDirs, type InsertedDataset } from './fixtures';

const tempDir = useTempDirs();
let server: OpenAiTestServer;

beforeEach(async () => {
  server = await startOpenAiTestServer();
});
afterEach(() => server.close());

function setUp(settingsChanges: Partial<ChatSettings> = {}) {
  const db = openTestWorkspace(tempDir('generate'));
  const dataset = insertDataset(db, smallDukeDataset());
  const settings = chatSettingsWith({ baseUrl: server.baseUrl, model: 'test-model', concurrency: 2, ...settingsChanges });
  const client = new ChatClient(
    { baseUrl: server.baseUrl, model: settings.model, apiKey: null, timeoutMs: 2000, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 } },
    { wait: async () => {} },
  );
  return { db, dataset, settings, client };
}

function chatPrompt(db: Db, dataset: InsertedDataset, personId: number) {
  const row = findPromptRow(db, chatSubject(dataset.datasetId, dataset.identityIds.get(personId)!));
  return row ? getPromptView(db, row.id) : null;
}

async function generateChat(context: ReturnType<typeof setUp>, request: Partial<GenerationRequest> = {}, signal?: AbortSignal) {
  const { db, dataset, settings, client } = context;
  return generatePrompts(db, { datasetId: dataset.datasetId, generator: 'chat', ...request }, silentProgress(signal), { settings, client, instruction: currentInstruction(db) });
}

describe('template generator', () => {
  it('gives every labelled identity a prompt', async () => {
    const { db, dataset, settings } = setUp();

    const report = await generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template' }, silentProgress(), { settings });

    expect(report).toMatchObject({ requested: 3, generated: 3, upToDate: 0, failedChecks: 0, totalTokens: 0, estimatedCost: 0 });
    expect(chatPrompt(db, dataset, 2)?.current).toMatchObject({ source: 'generated', generator: 'template', model: 'template-v1' });
    expect(chatPrompt(db, dataset, 2)?.current.text).toContain('a hat');
    db.close();
  });

  it('skips identities whose words did not change', async () => {
    const { db, dataset, settings } = setUp();
    const run = () => generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template' }, silentProgress(), { settings });
    await run();

    updateVocabulary(db, dataset.datasetId, [{ attribute: 'hat', value: 2, word: 'a cap' }]);
    const second = await run();

    expect(second).toMatchObject({ generated: 1, upToDate: 2 });
    expect(chatPrompt(db, dataset, 2)?.current.text).toContain('a cap');
    db.close();
  });

  it('counts identities without labels', async () => {
    const db = openTestWorkspace(tempDir('generate'));
    const fixture = smallDukeDataset();
    fixture.identities.push({ personId: 9, values: {} });
    const dataset = insertDataset(db, fixture);

    const report = await generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template' }, silentProgress(), { settings: chatSettingsWith({}) });

    expect(report).toMatchObject({ requested: 4, generated: 3, withoutAttributes: 1 });
    db.close();
  });

  it('rejects unknown person ids', async () => {
    const { db, dataset, settings } = setUp();

    await expect(generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template', personIds: [1, 77] }, silentProgress(), { settings })).rejects.toThrow(
      /has no identity with person id 77/,
    );
    db.close();
  });
});

describe('chat generator', () => {
  it('sends the instruction with the identity words', async () => {
    const context = setUp();

    const report = await generateChat(context, { personIds: [1] });

    expect(report).toMatchObject({ requested: 1, generated: 1, model: 'test-model', instructionVersion: 1 });
    const prompt = userText(server.requests[0]);
    expect(prompt).toContain('Attribute words: a backpack, male, dark shoes, long upper-body clothing, blue lower-body clothing, black upper-body clothing\n');
    expect(prompt).toContain('Mention every attribute word above.');
    expect(chatPrompt(context.db, context.dataset, 1)?.current).toMatchObject({ generator: 'chat', model: 'test-model', instructionVersion: 1, failedChecks: [] });
    context.db.close();
  });

  it('sums tokens and estimates the cost', async () => {
    const context = setUp({ inputPricePer1kTokens: 0.5, outputPricePer1kTokens: 2 });
    server.setResponder(() => chatCompletion('A person.', { prompt_tokens: 100, completion_tokens: 20 }));

    const report = await generateChat(context);

    expect(report).toMatchObject({ generated: 3, promptTokens: 300, completionTokens: 60, totalTokens: 360 });
    expect(report.estimatedCost).toBeCloseTo(0.3 * 0.5 + 0.06 * 2, 10);
    context.db.close();
  });

  it('costs nothing when rerun unchanged', async () => {
    const context = setUp();
    await generateChat(context);
    const requestsBefore = server.requests.length;

    const second = await generateChat(context);

    expect(second).toMatchObject({ generated: 0, cached: 0, upToDate: 3, totalTokens: 0 });
    expect(server.requests).toHaveLength(requestsBefore);
    context.db.close();
  });

  it('reuses cached replies for equal words', async () => {
    const context = setUp({ concurrency: 1 });
    await generateChat(context);
    const requestsBefore = server.requests.length;

    // An analyst edit, then a regeneration that overwrites it: same words, instruction and model.
    const prompt = chatPrompt(context.db, context.dataset, 1)!;
    editPrompt(context.db, prompt.promptId, 'Edited by hand.', prompt.current.number);
    const report = await generateChat(context, { overwriteEdits: true });

    expect(report).toMatchObject({ generated: 0, cached: 1, upToDate: 2, totalTokens: 0 });
    expect(server.requests).toHaveLength(requestsBefore);
    expect(chatPrompt(context.db, context.dataset, 1)?.current.text).not.toBe('Edited by hand.');
    context.db.close();
  });

  it('asks again after the instruction changes', async () => {
    const context = setUp();
    await generateChat(context);

    saveInstruction(context.db, `${defaultInstructionText}\n- Start with "A".`);
    const report = await generateChat(context);

    expect(report).toMatchObject({ generated: 3, cached: 0, instructionVersion: 2 });
    expect(server.requests).toHaveLength(6);
    context.db.close();
  });

  it('keeps analyst edits', async () => {
    const context = setUp();
    await generateChat(context);
    const prompt = chatPrompt(context.db, context.dataset, 2)!;
    editPrompt(context.db, prompt.promptId, 'A woman in a hat, edited.', prompt.current.number);
    saveInstruction(context.db, `${defaultInstructionText}\n- Be brief.`);

    const report = await generateChat(context);

    expect(report).toMatchObject({ generated: 2, skippedEdited: 1 });
    expect(chatPrompt(context.db, context.dataset, 2)?.current.text).toBe('A woman in a hat, edited.');
    context.db.close();
  });

  it('keeps and flags a contradicting reply', async () => {
    const context = setUp();
    server.setResponder((request) => (userText(request).includes('female') ? chatCompletion('A man wearing shorts.') : describeWordsResponder(request, 0)));

    const report = await generateChat(context);

    expect(report).toMatchObject({ generated: 3, failedChecks: 1, flaggedPersonIds: [2] });
    const flagged = chatPrompt(context.db, context.dataset, 2)!;
    expect(flagged.current.text).toBe('A man wearing shorts.');
    expect(flagged.current.failedChecks.map((failure) => failure.check)).toEqual(['contradiction']);
    expect(getReview(context.db, context.dataset.identityIds.get(2)!)).toMatchObject({ status: 'flagged' });
    expect(getReview(context.db, context.dataset.identityIds.get(2)!).note).toContain('"man" contradicts the label gender = 2 (female)');
    expect(getReview(context.db, context.dataset.identityIds.get(1)!).status).toBe('unreviewed');
    context.db.close();
  });

  it('flags empty, long and multi-sentence replies', async () => {
    const context = setUp({ concurrency: 1, maxReplyCharacters: 100 });
    server.enqueue(chatCompletion(undefined), chatCompletion(`A person ${'in layers '.repeat(30)}.`), chatCompletion('A man. He has a handbag.'));

    const report = await generateChat(context);

    expect(report.failedChecks).toBe(3);
    expect(chatPrompt(context.db, context.dataset, 1)?.current).toMatchObject({ text: '', failedChecks: [{ check: 'empty' }] });
    expect(chatPrompt(context.db, context.dataset, 2)?.current.failedChecks.map((failure) => failure.check)).toEqual(['length']);
    expect(chatPrompt(context.db, context.dataset, 3)?.current.failedChecks.map((failure) => failure.check)).toEqual(['sentences']);
    context.db.close();
  });

  it('does not cache a flagged reply', async () => {
    const context = setUp({ concurrency: 1 });
    server.enqueue(chatCompletion('Two. Sentences.'));
    await generateChat(context, { personIds: [1] });

    const prompt = chatPrompt(context.db, context.dataset, 1)!;
    editPrompt(context.db, prompt.promptId, 'Fixed by hand.', prompt.current.number);
    const report = await generateChat(context, { personIds: [1], overwriteEdits: true });

    expect(report).toMatchObject({ generated: 1, cached: 0 });
    expect(server.requests).toHaveLength(2);
    context.db.close();
  });

  it('records failed requests and goes on', async () => {
    const context = setUp({ concurrency: 1 });
    server.enqueue({ kind: 'raw', contentType: 'application/json', text: 'not json' });

    const report = await generateChat(context);

    expect(report.generated).toBe(2);
    expect(report.failedRequests).toHaveLength(1);
    expect(report.failedRequests[0]).toMatchObject({ personId: 1 });
    expect(report.failedRequests[0].message).toMatch(/not valid JSON/);
    expect(chatPrompt(context.db, context.dataset, 1)).toBeNull();
    context.db.close();
  });

  it('stops when the endpoint rejects the key', async () => {
    const context = setUp();
    server.setResponder(() => errorReply(401, 'Invalid key.'));

    await expect(generateChat(context)).rejects.toThrow(/HTTP 401/);
    expect(server.requests.length).toBeLessThanOrEqual(2);
    context.db.close();
  });

  it('retries 429 and 500 within a job', async () => {
    const context = setUp({ concurrency: 1 });
    server.enqueue(errorReply(429, 'Slow down.', { 'retry-after': '0' }), errorReply(500, 'Oops.'));

    const report = await generateChat(context);

    expect(report).toMatchObject({ generated: 3, failedRequests: [] });
    expect(server.requests).toHaveLength(5);
    context.db.close();
  });

  it('resumes after cancellation without repeating work', async () => {
    const context = setUp({ concurrency: 1 });
    const controller = new AbortController();
    server.setResponder((request, index) => {
      if (index === 1) controller.abort();
      return describeWordsResponder(request, index);
    });

    await expect(generateChat(context, {}, controller.signal)).rejects.toThrow(CancelledError);
    const committed = [1, 2, 3].filter((personId) => chatPrompt(context.db, context.dataset, personId) !== null);
    expect(committed).toEqual([1]);

    const resumed = await generateChat(context);

    expect(resumed).toMatchObject({ upToDate: 1, generated: 2 });
    expect([1, 2, 3].every((personId) => chatPrompt(context.db, context.dataset, personId) !== null)).toBe(true);
    expect(listRevisions(context.db, chatPrompt(context.db, context.dataset, 1)!.promptId)).toHaveLength(1);
    context.db.close();
  });
});
