import { CancelledError, ExternalServiceError } from '../../errors';

export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface CheckpointResponse {
  response: Response;
  /** Lower-case hex SHA-256 that the hub published for the file. */
  expectedSha256: string;
  totalBytes?: number;
}

const offlineHint = 'Download model.safetensors on a machine with internet access and pick the file from disk.';

/**
 * Requests `url`, reading the checksum from the hub's response before
 * following its redirect. The Hugging Face hub responds to a 'resolve' request
 * for an LFS file with a redirect to a storage host, and the redirect's
 * 'X-Linked-Etag' header contains the file's SHA-256 (huggingface_hub reads it
 * the same way, falling back to 'ETag'). Following the redirect inside fetch
 * would hide that header.
 */
export async function fetchResponse(url: string, fetchImpl: FetchFunction, signal: AbortSignal, timeoutMs: number): Promise<CheckpointResponse> {
  const first = await fetchWithTimeout(url, url, fetchImpl, { redirect: 'manual' }, signal, timeoutMs);
  let expectedSha256 = publishedChecksum(first.headers);
  let totalBytes = lengthHeader(first.headers.get('x-linked-size'));

  let response = first;
  const location = first.headers.get('location');
  if (first.status >= 300 && first.status < 400 && location) {
    await first.body?.cancel();
    response = await fetchWithTimeout(url, new URL(location, url).toString(), fetchImpl, {}, signal, timeoutMs);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const hint = response.status === 401 || response.status === 404 ? ' Check the repository name; gated repositories need a download in the browser.' : '';
    throw new ExternalServiceError(`Downloading ${url} failed with HTTP ${response.status} ${response.statusText}.${hint} ${offlineHint}`);
  }

  expectedSha256 ??= publishedChecksum(response.headers);
  totalBytes ??= lengthHeader(response.headers.get('content-length'));
  if (!expectedSha256) {
    await response.body?.cancel();
    throw new ExternalServiceError(`${url} did not publish a SHA-256 checksum (no X-Linked-Etag or ETag of 64 hex digits), so the download cannot be verified. ${offlineHint}`);
  }
  return { response, expectedSha256, totalBytes };
}

/** Reads a SHA-256 from 'X-Linked-Etag' or 'ETag', which may be quoted or marked weak ('W/"..."'). */
export function publishedChecksum(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replaceAll('"', '').trim().toLowerCase();
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

function lengthHeader(value: string | null): number | undefined {
  const length = Number(value);
  return value !== null && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Fetches with a limit on the wait for response headers only, so a slow but
 * steady body download is not cut off. The caller's signal still aborts the body.
 */
async function fetchWithTimeout(checkpointUrl: string, url: string, fetchImpl: FetchFunction, init: RequestInit, signal: AbortSignal, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);

  try {
    return await fetchImpl(url, { ...init, signal: controller.signal });
  } catch (error) {
    if (signal.aborted) throw new CancelledError(`The download of ${checkpointUrl} was cancelled.`);
    const reason = timedOut ? `no response within ${timeoutMs / 1000} s` : describeNetworkError(error);
    throw new ExternalServiceError(`Could not reach ${url} (${reason}); this machine may have no internet access. ${offlineHint}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Node's fetch throws TypeError('fetch failed') with the system error (ECONNREFUSED, ENOTFOUND) as its cause. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
