import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks the chat-completions API well enough for
 * the `openai` client: POST {baseUrl}/chat/completions with a JSON body. Tests
 * script its replies (normal, rate-limited, failing, hanging, malformed) and
 * read back every request it received. It listens on 127.0.0.1 only.
 */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: ChatRequestBody;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[] }[];
}

export type TestReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status?: number; contentType: string; text: string }
  /** Sends no response, so the client's timeout fires. */
  | { kind: 'hang' };

export type Responder = (request: ReceivedRequest, index: number) => TestReply | Promise<TestReply>;

export interface OpenAiTestServer {
  /** Base URL to give the client, ending in /v1. */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Replies used, in order, before the responder is asked. */
  enqueue(...replies: TestReply[]): void;
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

/** Builds a chat completion reply with one choice, or none when `content` is undefined. */
export function chatCompletion(content: string | null | undefined, usage = { prompt_tokens: 10, completion_tokens: 5 }): TestReply {
  const choices = content === undefined ? [] : [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }];
  return {
    kind: 'json',
    body: { id: 'chatcmpl-test', object: 'chat.completion', created: 0, model: 'test-model', choices, usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } },
  };
}

export function errorReply(status: number, message: string, headers: Record<string, string> = {}, code: string | null = null): TestReply {
  return { kind: 'json', status, headers, body: { error: { message, type: 'test_error', code } } };
}

/** Text of the last user message, with image parts left out. */
export function userText(request: ReceivedRequest): string {
  const content = request.body.messages.at(-1)?.content ?? '';
  if (typeof content === 'string') return content;
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ');
}

/** Image URLs of the last user message. */
export function imageUrls(request: ReceivedRequest): string[] {
  const content = request.body.messages.at(-1)?.content ?? '';
  if (typeof content === 'string') return [];
  return content.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : []));
}

/**
 * Replies like a chat model asked for an attribute prompt. It reads the
 * "Attribute words:" line of the instruction and writes one sentence that uses
 * each word, counting one token per whitespace-separated word.
 */
export const describeWordsResponder: Responder = (request) => {
  const prompt = userText(request);
  const line = prompt.split('\n').find((candidate) => candidate.startsWith('Attribute words:'));
  const words = line ? line.slice('Attribute words:'.length).trim() : '';
  const sentence = `A pedestrian described as ${words}.`;
  return chatCompletion(sentence, { prompt_tokens: prompt.split(/\s+/).length, completion_tokens: sentence.split(/\s+/).length });
};

export async function startOpenAiTestServer(responder: Responder = describeWordsResponder): Promise<OpenAiTestServer> {
  const requests: ReceivedRequest[] = [];
  const queue: TestReply[] = [];
  let current = responder;

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: parseBody(text) };
    const index = requests.push(received) - 1;

    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      send(response, errorReply(404, `No route ${request.method} ${request.url}.`));
      return;
    }
    send(response, queue.shift() ?? (await current(received, index)));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    setResponder: (next) => {
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(response: ServerResponse, reply: TestReply): void {
  if (reply.kind === 'hang') return;
  if (reply.kind === 'raw') {
    response.writeHead(reply.status ?? 200, { 'content-type': reply.contentType });
    response.end(reply.text);
    return;
  }
  response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  response.end(JSON.stringify(reply.body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseBody(text: string): ChatRequestBody {
  try {
    return JSON.parse(text) as ChatRequestBody;
  } catch {
    return { model: '', messages: [{ role: 'user', content: text }] };
  }
}
