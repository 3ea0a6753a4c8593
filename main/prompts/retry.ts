import { CancelledError } from '../errors';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 sends each request once. */
  maxRetries: number;
  /** Delay before the first retry, in milliseconds; it doubles with each further retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After wait honoured, in milliseconds; a server asking for more ends the retries. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * Exponential backoff with jitter: the capped delay base * 2^retry, scaled by
 * a random factor in [0.5, 1) so that parallel requests that failed together
 * do not retry together.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return capped * (0.5 + random() / 2);
}

/**
 * Reads how long a server asked the client to wait, in milliseconds, from
 * `retry-after-ms` or `Retry-After` (delay in seconds, or an HTTP date).
 * Returns null when neither header contains a usable value.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;

  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;

  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;

  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Waits `ms` milliseconds, or throws CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
