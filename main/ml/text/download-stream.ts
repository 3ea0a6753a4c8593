import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { AppError, ExternalServiceError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';

export interface StreamTarget {
  /** Address the download started from, named in errors. */
  url: string;
  /** File that receives the body; created or truncated. */
  path: string;
  /** Size the server announced, when it did. */
  totalBytes?: number;
  /** Milliseconds without body data before the download is abandoned. */
  idleTimeoutMs: number;
  progress: ProgressReporter;
}

/** Bytes between two progress reports, so a 600 MB file gives about 600 reports. */
const progressStepBytes = 1024 * 1024;

/** Builds the error for a body that stopped before its announced size. */
export function endedEarlyError(url: string, bytes: number, totalBytes: number | undefined, cause?: unknown): ExternalServiceError {
  const received = totalBytes === undefined ? `${bytes}` : `${bytes} of ${totalBytes}`;
  return new ExternalServiceError(`The download of ${url} ended after ${received} bytes; try again, or download the file elsewhere and pick it from disk.`, { cause });
}

/**
 * Writes a response body to `target.path` while hashing it, and returns its
 * size and hex SHA-256. A connection that fails mid-body becomes
 * endedEarlyError, and a body idle for `idleTimeoutMs` an ExternalServiceError;
 * both close the connection. Cancellation errors pass through unchanged.
 */
export async function streamToFile(response: Response, target: StreamTarget): Promise<{ bytes: number; sha256: string }> {
  const { progress } = target;
  const hash = createHash('sha256');
  const file = await open(target.path, 'w');
  const reader = response.body?.getReader();
  const total = target.totalBytes ?? 0;
  let bytes = 0;
  let reported = 0;

  try {
    progress.update('download', 0, total);
    for (let chunk = await readChunk(reader, target, bytes); chunk; chunk = await readChunk(reader, target, bytes)) {
      progress.throwIfCancelled();
      hash.update(chunk);
      await file.write(chunk);
      bytes += chunk.length;
      if (bytes - reported >= progressStepBytes) {
        progress.update('download', bytes, Math.max(total, bytes));
        reported = bytes;
      }
    }
    progress.update('download', bytes, Math.max(total, bytes));
  } finally {
    // Cancelling a finished body does nothing; on failure it closes the connection.
    await reader?.cancel().catch(() => undefined);
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Reads the next chunk, or undefined at the end of the body, waiting at most the idle timeout. */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array> | undefined, target: StreamTarget, bytes: number): Promise<Uint8Array | undefined> {
  if (!reader) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), target.idleTimeoutMs)));

  try {
    const result = await Promise.race([reader.read(), idle]);
    if (result === 'idle') throw idleError(target, bytes);
    return result.done ? undefined : result.value;
  } catch (error) {
    if (error instanceof AppError || target.progress.signal.aborted) throw error;
    // Node's fetch fails a cut connection with TypeError('terminated'), the socket error as its cause.
    throw endedEarlyError(target.url, bytes, target.totalBytes, error);
  } finally {
    clearTimeout(timer);
  }
}

function idleError(target: StreamTarget, bytes: number): ExternalServiceError {
  const received = target.totalBytes === undefined ? `${bytes}` : `${bytes} of ${target.totalBytes}`;
  const seconds = target.idleTimeoutMs / 1000;
  return new ExternalServiceError(`The download of ${target.url} timed out: no data for ${seconds} s after ${received} bytes; try again, or download the file elsewhere and pick it from disk.`);
}
