import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../main/db/workspace';
import { silentProgress } from '../../main/jobs/progress';
import { chatSettingsWith } from '../../main/prompts/api-schemas';
import { ChatClient } from '../../main/prompts/chat-client';
import { generatePrompts } from '../../main/prompts/generate-prompts';
import { listIdentityPrompts } from '../../main/prompts/identity-prompts';
import { currentInstruction } from '../../main/prompts/instructions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../helpers/openai-test-server';
import { dukeTrainingDataset, insertDataset, openTestWorkspace, useTempDirs, type InsertedDataset } from './fixtures';

const tempDir = useTempDirs();
let server: OpenAiTestServer;

beforeAll(async () => {
  server = await startOpenAiTestServer();
});
afterAll(() => server.close());

async function dukeWorkspace(): Promise<{ db: Db; dataset: InsertedDataset }> {
  const db = openTestWorkspace(tempDir('duke-prompts'));
  const dataset = insertDataset(db, await dukeTrainingDataset());
  return { db, dataset };
}

function allPrompts(db: Db, datasetId: number) {
  return listIdentityPrompts(db, { datasetId, offset: 0, limit: 1000 }).items;
}

describe('DukeMTMC-attribute training identities', () => {
  it('get offline template prompts', async () => {
    const { db, dataset } = await dukeWorkspace();

    const report = await generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template' }, silentProgress(), { settings: chatSettingsWith({}) });
    const prompts = allPrompts(db, dataset.datasetId);

    console.log(JSON.stringify({ check: 'duke-train-template', ...report, flaggedPersonIds: report.flaggedPersonIds.slice(0, 20) }));
    expect(report.requested).toBe(702);
    expect(report.generated + report.withoutAttributes).toBe(702);
    // The template only joins the labels' own words, so it never contradicts them.
    expect(report.failedChecks).toBe(0);
    expect(prompts.filter((prompt) => prompt.text !== null)).toHaveLength(report.generated);
    expect(new Set(prompts.map((prompt) => prompt.text)).size).toBeGreaterThan(100);
    db.close();
  });

  it('get chat prompts from a local endpoint', async () => {
    const { db, dataset } = await dukeWorkspace();
    const settings = chatSettingsWith({ baseUrl: server.baseUrl, model: 'local-test-model', concurrency: 4 });
    const client = new ChatClient({ baseUrl: server.baseUrl, model: settings.model, apiKey: null, timeoutMs: 10_000, retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000 } });
    const messages: string[] = [];
    const progress = { ...silentProgress(), update: (_phase: string, _done: number, _total: number, message?: string) => void (message && messages.push(message)) };
    const run = () => generatePrompts(db, { datasetId: dataset.datasetId, generator: 'chat' }, progress, { settings, client, instruction: currentInstruction(db) });

    const first = await run();
    const requests = server.requests.length;
    const second = await run();

    console.log(JSON.stringify({ check: 'duke-train-chat', ...first, flaggedPersonIds: first.flaggedPersonIds.slice(0, 20), requests }));
    expect(first.requested).toBe(702);
    expect(first.generated + first.cached + first.withoutAttributes).toBe(702);
    expect(first.failedRequests).toEqual([]);
    expect(first.failedChecks).toBe(first.flaggedPersonIds.length);
    expect(first.totalTokens).toBeGreaterThan(0);
    expect(messages.at(-1)).toContain(`${first.totalTokens.toLocaleString('en-US')} tokens`);
    expect(requests).toBe(first.generated);
    expect(second).toMatchObject({ generated: 0, cached: 0, upToDate: first.generated + first.cached, totalTokens: 0 });
    expect(server.requests).toHaveLength(requests);
    expect(allPrompts(db, dataset.datasetId).filter((prompt) => prompt.generator === 'chat')).toHaveLength(first.generated + first.cached);
    db.close();
  });
});
