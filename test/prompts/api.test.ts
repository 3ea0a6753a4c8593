import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type ApiDispatch } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';
import { AppError } from '../../main/errors';
import { configureLogFile, setLogLevel } from '../../main/log';
import { apiKeyVariable } from '../../main/prompts/secret-store';
import { errorReply, startOpenAiTestServer, type OpenAiTestServer } from '../helpers/openai-test-server';
import { insertDataset, smallDukeDataset, useTempDirs, type InsertedDataset } from './fixtures';

const tempDir = useTempDirs();
const secret = 'sk-test-do-not-leak-4f9c2a';

let server: OpenAiTestServer;
let context: AppContext;
let call: ApiDispatch;
let dataset: InsertedDataset;
let logFile: string;

beforeAll(() => {
  process.env[apiKeyVariable] = secret;
});
afterAll(() => {
  delete process.env[apiKeyVariable];
});

beforeEach(async () => {
  server = await startOpenAiTestServer();
  const dir = tempDir('prompts-api');
  logFile = join(dir, 'mpreid.log');
  configureLogFile(logFile);
  setLogLevel('debug');
  context = createAppContext(join(dir, 'workspace.mpreid'));
  call = createDispatcher(apiHandlers, context);
  dataset = insertDataset(context.db, smallDukeDataset());
});
afterEach(async () => {
  closeAppContext(context);
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: AppError) => error,
  );
}

describe('prompts API', () => {
  it('reports whether a key is set, never the key', async () => {
    const settings = await call('prompts.chatSettings.get', {});

    expect(settings).toMatchObject({ apiKeySet: true, apiKeySource: `environment variable ${apiKeyVariable}`, model: 'gpt-4o-mini' });
    expect(JSON.stringify(settings)).not.toContain(secret);
  });

  it('updates one chat setting, keeping the others', async () => {
    await call('prompts.chatSettings.update', { concurrency: 7, model: 'local-model' });

    const settings = await call('prompts.chatSettings.update', { timeoutSeconds: 12 });

    expect(settings).toMatchObject({ concurrency: 7, model: 'local-model', timeoutSeconds: 12, maxRetries: 5 });
  });

  it('rejects saving a key in server mode', async () => {
    const error = await failure(call('prompts.apiKey.set', { apiKey: 'sk-other' }));

    expect(error.code).toBe('not_supported');
    expect(error.message).toContain(apiKeyVariable);
  });

  it('generates through a job with the key, logging none of it', async () => {
    await call('prompts.chatSettings.update', { baseUrl: server.baseUrl, model: 'test-model', maxRetries: 2 });
    server.enqueue(errorReply(503, 'Warming up.', { 'retry-after': '0' }));

    const report = (await call('prompts.generate', { datasetId: dataset.datasetId, generator: 'chat' })) as { generated: number };

    expect(report.generated).toBe(3);
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${secret}`)).toBe(true);
    const jobs = (await call('jobs.list', {})) as { kind: string; status: string }[];
    expect(jobs[0]).toMatchObject({ kind: 'prompts.generate', status: 'succeeded' });
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('chat request failed; retrying');
    expect(log).not.toContain(secret);
  });

  it('lists prompts and shows an identity', async () => {
    await call('prompts.generate', { datasetId: dataset.datasetId, generator: 'template' });

    const page = (await call('prompts.list', { datasetId: dataset.datasetId, limit: 2 })) as { total: number; items: { personId: number; text: string }[] };
    const identity = (await call('prompts.identity', { identityId: dataset.identityIds.get(2)! })) as { chat: { current: { text: string } }; attributes: { name: string; word: string | null }[]; vqa: unknown[] };

    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.personId)).toEqual([1, 2]);
    expect(identity.chat.current.text).toContain('a hat');
    expect(identity.attributes.find((attribute) => attribute.name === 'hat')?.word).toBe('a hat');
    expect(identity.vqa).toHaveLength(7);
  });

  it('returns a conflict for a stale edit', async () => {
    await call('prompts.generate', { datasetId: dataset.datasetId, generator: 'template' });
    const identity = (await call('prompts.identity', { identityId: dataset.identityIds.get(1)! })) as { chat: { promptId: number } };
    await call('prompts.edit', { promptId: identity.chat.promptId, text: 'First.', expectedRevision: 1 });

    const error = await failure(call('prompts.edit', { promptId: identity.chat.promptId, text: 'Second.', expectedRevision: 1 }));

    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/is at revision 2/);
  });

  it('previews the instruction for an identity', async () => {
    const preview = (await call('prompts.instruction.preview', { datasetId: dataset.datasetId, personId: 2 })) as { version: number; text: string; words: string[] };

    expect(preview.version).toBe(1);
    expect(preview.words).toContain('a hat');
    expect(preview.text).toContain(`Attribute words: ${preview.words.join(', ')}`);
  });

  it('rejects an instruction without the words placeholder', async () => {
    const error = await failure(call('prompts.instruction.save', { text: 'Describe the person.' }));

    expect(error.code).toBe('validation');
    expect(error.message).toContain('{words}');
  });

  it('round-trips an export through the API', async () => {
    await call('prompts.generate', { datasetId: dataset.datasetId, generator: 'template' });
    const exported = (await call('prompts.export', { datasetId: dataset.datasetId, format: 'csv' })) as { content: string; records: number };

    const report = await call('prompts.import', { datasetId: dataset.datasetId, format: 'csv', content: exported.content });

    expect(exported.records).toBe(3);
    expect(report).toMatchObject({ applied: true, unchanged: 3 });
  });
});
