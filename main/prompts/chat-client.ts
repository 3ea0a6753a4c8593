import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { CancelledError, ExternalServiceError } from '../errors';
import { createLogger } from '../log';
import { backoffDelayMs, retryAfterMs, sleep, type RetryPolicy } from './retry';

const log = createLogger('ChatClient');

/** An OpenAI-compatible chat-completions endpoint. */
export interface ChatEndpoint {
  baseUrl: string;
  model: string;
  /** Null for local servers that need no key: the Authorization header is then left out. */
  apiKey: string | null;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Source of the key, named in authentication errors: "environment variable MPREID_OPENAI_API_KEY". */
  keySource?: string;
}

export type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;

export interface ChatReply {
  /** The first choice's content; '' when the reply had no choices or no content. */
  text: string;
  promptTokens: number;
  completionTokens: number;
  attempts: number;
}

/**
 * A failed chat request. `scope` 'endpoint' means every request would fail the
 * same way (rejected key, unknown model), so a job stops; 'request' means only
 * this request failed after its retries.
 */
export class ChatRequestError extends ExternalServiceError {
  constructor(
    message: string,
    readonly scope: 'request' | 'endpoint',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface FailureKind {
  retryable: boolean;
  scope: 'request' | 'endpoint';
  /** Wait the server asked for, in milliseconds. */
  retryAfter: number | null;
  reason: string;
}

/**
 * Sends chat completions through the `openai` client with our own retry loop
 * (the client's is turned off) so that every retry is logged and cancellable:
 * exponential backoff with jitter on 429, 5xx, timeouts and lost connections,
 * honouring Retry-After.
 */
export class ChatClient {
  private readonly client: OpenAI;

  private readonly random: () => number;
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;

  /** `options` replace the jitter source and the wait between retries, for tests that check the delays without waiting. */
  constructor(
    readonly endpoint: ChatEndpoint,
    options: { random?: () => number; wait?: (ms: number, signal: AbortSignal) => Promise<void> } = {},
  ) {
    this.random = options.random ?? Math.random;
    this.wait = options.wait ?? sleep;
    this.client = new OpenAI({
      baseURL: endpoint.baseUrl,
      // The client rejects a missing key, so it gets a placeholder and the header is dropped below.
      apiKey: endpoint.apiKey ?? 'unset',
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: endpoint.timeoutMs,
      defaultHeaders: endpoint.apiKey === null ? { Authorization: null } : undefined,
    });
  }

  async complete(messages: ChatMessage[], signal: AbortSignal, model = this.endpoint.model): Promise<ChatReply> {
    const { retry } = this.endpoint;
    for (let attempt = 1; ; attempt++) {
      try {
        return { ...(await this.send(messages, model, signal)), attempts: attempt };
      } catch (error) {
        if (signal.aborted) throw new CancelledError();
        const failure = classifyFailure(error, this.endpoint, model);
        this.throwUnlessRetryable(failure, attempt, error);

        const delay = failure.retryAfter ?? backoffDelayMs(attempt - 1, retry, this.random);
        log.warn('chat request failed; retrying', { baseUrl: this.endpoint.baseUrl, model, attempt, reason: failure.reason, delayMs: Math.round(delay) });
        await this.wait(delay, signal);
      }
    }
  }

  private async send(messages: ChatMessage[], model: string, signal: AbortSignal): Promise<Omit<ChatReply, 'attempts'>> {
    const completion: unknown = await this.client.chat.completions.create({ model, messages }, { signal });
    if (typeof completion !== 'object' || completion === null || !Array.isArray((completion as { choices?: unknown }).choices)) {
      throw new MalformedReplyError('the reply is not a chat completion object with a choices array');
    }

    const { choices, usage } = completion as OpenAI.Chat.ChatCompletion;
    const content = choices[0]?.message?.content;
    return {
      text: typeof content === 'string' ? content : '',
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
    };
  }

  private throwUnlessRetryable(failure: FailureKind, attempt: number, error: unknown): void {
    const { retry, baseUrl } = this.endpoint;
    if (!failure.retryable) throw new ChatRequestError(`The chat request to ${baseUrl} failed: ${failure.reason}.`, failure.scope, { cause: error });

    if (attempt > retry.maxRetries) {
      throw new ChatRequestError(`The chat request to ${baseUrl} failed after ${attempt} attempts: ${failure.reason}.`, 'request', { cause: error });
    }
    if (failure.retryAfter !== null && failure.retryAfter > retry.maxRetryAfterMs) {
      const seconds = Math.ceil(failure.retryAfter / 1000);
      throw new ChatRequestError(`The chat endpoint ${baseUrl} asked to wait ${seconds} s before retrying, longer than the ${retry.maxRetryAfterMs / 1000} s limit. Try again later.`, 'endpoint', { cause: error });
    }
  }
}

class MalformedReplyError extends Error {}

function classifyFailure(error: unknown, endpoint: ChatEndpoint, model: string): FailureKind {
  const failure = (retryable: boolean, reason: string, scope: FailureKind['scope'] = 'request', retryAfter: number | null = null): FailureKind => ({ retryable, scope, retryAfter, reason });

  if (error instanceof APIConnectionTimeoutError) return failure(true, `timed out after ${endpoint.timeoutMs / 1000} s`);
  if (error instanceof APIUserAbortError) return failure(false, 'the request was aborted');
  if (error instanceof APIConnectionError) return failure(true, `connection failed (${describeCause(error)})`);
  if (error instanceof APIError) return classifyStatus(error, endpoint, model);
  if (error instanceof SyntaxError) return failure(false, `the reply is not valid JSON (${error.message})`);
  if (error instanceof MalformedReplyError) return failure(false, error.message);
  return failure(false, error instanceof Error ? error.message : String(error));
}

function classifyStatus(error: APIError, endpoint: ChatEndpoint, model: string): FailureKind {
  const status = error.status ?? 0;
  const retryAfter = retryAfterMs(error.headers);
  const detail = `HTTP ${status}${error.message ? `: ${error.message}` : ''}`;

  if (status === 429 && error.code === 'insufficient_quota') {
    return { retryable: false, scope: 'endpoint', retryAfter: null, reason: `${detail}. The account has no quota left; add credit or use another endpoint` };
  }
  if (status === 429 || status === 408 || status >= 500) return { retryable: true, scope: 'request', retryAfter, reason: detail };
  if (status === 401 || status === 403) {
    const keyHint = endpoint.apiKey === null ? `no API key is set; set the ${endpoint.keySource ?? 'API key'}` : `check the ${endpoint.keySource ?? 'API key'}`;
    return { retryable: false, scope: 'endpoint', retryAfter: null, reason: `${detail}. The endpoint rejected the request: ${keyHint}` };
  }
  if (status === 404) return { retryable: false, scope: 'endpoint', retryAfter: null, reason: `${detail}. Check the base URL and the model name "${model}"` };
  return { retryable: false, scope: 'endpoint', retryAfter: null, reason: detail };
}

function describeCause(error: APIConnectionError): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error.message;
}
