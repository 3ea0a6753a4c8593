import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatClient, ChatRequestError, type ChatEndpoint } from '../../main/prompts/chat-client';
import { backoffDelayMs, retryAfterMs } from '../../main/prompts/retry';
import { chatCompletion, errorReply, startOpenAiTestServer, type OpenAiTestServer } from '../helpers/openai-test-server';
import './fixtures';

let server: OpenAiTestServer;
let waits: number[];

beforeEach(async () => {
  server = await startOpenAiTestServer();
  waits = [];
});
afterEach(() => server.close());

function client(overrides: Partial<ChatEndpoint> = {}): ChatClient {
  const endpoint: ChatEndpoint = {
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'sk-test-secret',
    timeoutMs: 2000,
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
    ...overrides,
  };
  // Records each retry delay and goes on at once, so no test sleeps.
  return new ChatClient(endpoint, { random: () => 0.5, wait: async (ms) => void waits.push(ms) });
}

const ask = (chat: ChatClient) => chat.complete([{ role: 'user', content: 'Describe the person.' }], new AbortController().signal);

describe('chat client', () => {
  it('returns the reply and token usage', async () => {
    server.enqueue(chatCompletion('A man in a red coat.', { prompt_tokens: 42, completion_tokens: 7 }));

    const reply = await ask(client());

    expect(reply).toEqual({ text: 'A man in a red coat.', promptTokens: 42, completionTokens: 7, attempts: 1 });
    expect(server.requests[0].path).toBe('/v1/chat/completions');
    expect(server.requests[0].body.model).toBe('test-model');
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test-secret');
  });

  it('sends no authorization header without a key', async () => {
    server.enqueue(chatCompletion('A man.'));

    await ask(client({ apiKey: null }));

    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('waits as Retry-After asks on 429', async () => {
    server.enqueue(errorReply(429, 'Rate limit reached.', { 'retry-after': '3' }), chatCompletion('A woman.'));

    const reply = await ask(client());

    expect(reply.text).toBe('A woman.');
    expect(reply.attempts).toBe(2);
    expect(waits).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off exponentially on 500', async () => {
    server.enqueue(errorReply(500, 'Boom.'), errorReply(502, 'Bad gateway.'), errorReply(503, 'Busy.'), chatCompletion('A man.'));

    const reply = await ask(client());

    expect(reply.attempts).toBe(4);
    // random() = 0.5 scales each capped delay by 0.75.
    expect(waits).toEqual([75, 150, 300]);
  });

  it('gives up after the retry limit', async () => {
    server.setResponder(() => errorReply(500, 'Still broken.'));

    const failure = await ask(client()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ChatRequestError);
    expect((failure as ChatRequestError).scope).toBe('request');
    expect((failure as Error).message).toMatch(/failed after 4 attempts: HTTP 500/);
    expect(server.requests).toHaveLength(4);
  });

  it('retries a request that timed out', async () => {
    server.enqueue({ kind: 'hang' }, chatCompletion('A man with a hat.'));

    const reply = await ask(client({ timeoutMs: 300 }));

    expect(reply.text).toBe('A man with a hat.');
    expect(reply.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a timeout after the retry limit', async () => {
    server.setResponder(() => ({ kind: 'hang' }));

    await expect(ask(client({ timeoutMs: 200, retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 10 } }))).rejects.toThrow(
      /failed after 2 attempts: timed out after 0.2 s/,
    );
  });

  it('rejects malformed JSON without retrying', async () => {
    server.enqueue({ kind: 'raw', contentType: 'application/json', text: '{"choices": [' });

    const failure = await ask(client()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ChatRequestError);
    expect((failure as Error).message).toMatch(/not valid JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a body that is not a completion', async () => {
    server.enqueue({ kind: 'raw', contentType: 'text/plain', text: 'hello' });

    await expect(ask(client())).rejects.toThrow(/not a chat completion object/);
  });

  it('returns empty text for empty choices', async () => {
    server.enqueue(chatCompletion(undefined));

    expect((await ask(client())).text).toBe('');
  });

  it('returns a very long reply whole', async () => {
    const long = `A person ${'wearing many layers '.repeat(2000)}.`;
    server.enqueue(chatCompletion(long));

    expect((await ask(client())).text).toBe(long);
  });

  it('stops at once on a rejected key', async () => {
    server.enqueue(errorReply(401, 'Incorrect API key provided.'));

    const failure = await ask(client({ keySource: 'environment variable MPREID_OPENAI_API_KEY' })).catch((error: unknown) => error);

    expect((failure as ChatRequestError).scope).toBe('endpoint');
    expect((failure as Error).message).toMatch(/HTTP 401.*check the environment variable MPREID_OPENAI_API_KEY/);
    expect((failure as Error).message).not.toContain('sk-test-secret');
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the quota is used up', async () => {
    server.enqueue(errorReply(429, 'You exceeded your current quota.', {}, 'insufficient_quota'));

    const failure = await ask(client()).catch((error: unknown) => error);

    expect((failure as ChatRequestError).scope).toBe('endpoint');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a Retry-After beyond the limit', async () => {
    server.enqueue(errorReply(429, 'Slow down.', { 'retry-after': '3600' }));

    await expect(ask(client())).rejects.toThrow(/asked to wait 3600 s before retrying, longer than the 10 s limit/);
  });

  it('cancels while waiting for a reply', async () => {
    server.setResponder(() => ({ kind: 'hang' }));
    const controller = new AbortController();

    const pending = client().complete([{ role: 'user', content: 'Hi.' }], controller.signal);
    setTimeout(() => controller.abort(), 50);

    await expect(pending).rejects.toThrow('The job was cancelled.');
  });
});

describe('retry timing', () => {
  it('reads Retry-After in seconds, dates and milliseconds', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');

    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('caps and jitters the backoff', () => {
    const policy = { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 0 };

    expect(backoffDelayMs(0, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(2, policy, () => 0.999999)).toBeCloseTo(400, 2);
    expect(backoffDelayMs(8, policy, () => 0)).toBe(500);
  });
});
