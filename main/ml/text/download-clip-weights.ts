import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError, ExternalServiceError, ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import { fetchResponse, publishedChecksum, type FetchFunction } from './download-response';

const log = createLogger('ClipDownload');

export interface DownloadClipTextOptions {
  /** Path of the safetensors file to create; its folder is created when missing. */
  destination: string;
  /** Hugging Face model repository; defaults to 'openai/clip-vit-base-patch16'. */
  repository?: string;
  /** Hub address; defaults to 'https://huggingface.co'. */
  baseUrl?: string;
  progress: ProgressReporter;
  fetchImpl?: FetchFunction;
  /** Milliseconds to wait for each response's headers before giving up; defaults to 20000. */
  connectTimeoutMs?: number;
}

export interface DownloadedWeights {
  path: string;
  url: string;
  bytes: number;
  /** Hex SHA-256 of the file, equal to the checksum the server published. */
  sha256: string;
}

/** Bytes between two progress reports, so a 600 MB file gives about 600 reports. */
const progressStepBytes = 1024 * 1024;

/**
 * Downloads a CLIP checkpoint's model.safetensors into `destination`. The
 * bytes stream into '<destination>.partial' while their SHA-256 is computed.
 * The file is renamed into place only when the hash equals the one the hub
 * publishes for LFS files. Cancelling or any failure deletes the partial file.
 */
export async function downloadClipTextWeights(options: DownloadClipTextOptions): Promise<DownloadedWeights> {
  const url = checkpointUrl(options);
  const { progress, destination } = options;
  progress.throwIfCancelled();
  log.info('download started', { url, destination });

  const partial = `${destination}.partial`;
  try {
    const { response, expectedSha256, totalBytes } = await fetchResponse(url, options.fetchImpl ?? fetch, progress.signal, options.connectTimeoutMs ?? 20_000);
    await mkdir(dirname(destination), { recursive: true });
    const { bytes, sha256 } = await streamToFile(response, partial, totalBytes, progress);

    if (totalBytes !== undefined && bytes !== totalBytes) {
      throw new ExternalServiceError(`The download of ${url} ended after ${bytes} of ${totalBytes} bytes; try again, or download the file elsewhere and pick it from disk.`);
    }
    if (sha256 !== expectedSha256) {
      throw new ExternalServiceError(`The file downloaded from ${url} has SHA-256 ${sha256} but the server published ${expectedSha256}; the download is corrupt, so try again.`);
    }

    await rename(partial, destination);
    log.info('download finished', { url, destination, bytes });
    return { path: destination, url, bytes, sha256 };
  } catch (error) {
    await rm(partial, { force: true });
    const final = progress.signal.aborted ? new CancelledError(`The download of ${url} was cancelled.`) : error;
    log.warn('download failed', { url, error: final });
    throw final;
  }
}

function checkpointUrl(options: DownloadClipTextOptions): string {
  const repository = options.repository ?? 'openai/clip-vit-base-patch16';
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new ValidationError(`Repository "${repository}" is invalid; expected "owner/name", such as openai/clip-vit-base-patch16.`);
  }
  const baseUrl = (options.baseUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
  return `${baseUrl}/${repository}/resolve/main/model.safetensors`;
}

async function streamToFile(response: Response, path: string, totalBytes: number | undefined, progress: ProgressReporter): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  let bytes = 0;
  let reported = 0;
  const total = totalBytes ?? 0;
  try {
    progress.update('download', 0, total);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
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
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}
