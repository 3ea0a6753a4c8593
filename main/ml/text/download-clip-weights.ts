import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, CancelledError, ExternalServiceError, ValidationError } from '../../errors';
import type { ProgressReporter } from '../../jobs/progress';
import { createLogger } from '../../log';
import { checkClipTextHeader } from './clip-weights';
import { claimDestination, partialPathFor, removeStalePartials } from './download-destination';
import { fetchResponse, type FetchFunction } from './download-response';
import { endedEarlyError, streamToFile } from './download-stream';

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
  /** Milliseconds without body data before the download is abandoned; defaults to 30000. */
  idleTimeoutMs?: number;
}

export interface DownloadedWeights {
  path: string;
  url: string;
  bytes: number;
  /** Hex SHA-256 of the file, equal to the checksum the server published. */
  sha256: string;
}

/**
 * Downloads a CLIP checkpoint's model.safetensors into `destination`. The
 * bytes stream into a partial file unique to this download while their
 * SHA-256 is computed. The file is renamed into place only when the hash
 * equals the one the hub publishes for LFS files and its header lists the
 * CLIP text tensors. Cancelling or any failure deletes the partial file.
 * Throws ConflictError while another download into `destination` runs in
 * this process.
 */
export async function downloadClipTextWeights(options: DownloadClipTextOptions): Promise<DownloadedWeights> {
  const url = checkpointUrl(options);
  options.progress.throwIfCancelled();
  const release = claimDestination(options.destination, repositoryOf(options));
  try {
    return await downloadClaimed(url, options);
  } finally {
    release();
  }
}

async function downloadClaimed(url: string, options: DownloadClipTextOptions): Promise<DownloadedWeights> {
  const { progress, destination } = options;
  log.info('download started', { url, destination });
  await removeStalePartials(destination);

  const partial = partialPathFor(destination);
  try {
    const { response, expectedSha256, totalBytes } = await fetchResponse(url, options.fetchImpl ?? fetch, progress.signal, options.connectTimeoutMs ?? 20_000);
    await mkdir(dirname(destination), { recursive: true });
    const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    const { bytes, sha256 } = await streamToFile(response, { url, path: partial, totalBytes, idleTimeoutMs, progress });

    if (totalBytes !== undefined && bytes !== totalBytes) throw endedEarlyError(url, bytes, totalBytes);
    if (sha256 !== expectedSha256) {
      throw new ExternalServiceError(`The file downloaded from ${url} has SHA-256 ${sha256} but the server published ${expectedSha256}; the download is corrupt, so try again.`);
    }
    await checkDownloadedHeader(url, partial);

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

/** Rejects a file whose checksum matched but which is not a CLIP checkpoint, such as an error page or an image stored under the same name. */
async function checkDownloadedHeader(url: string, partial: string): Promise<void> {
  try {
    await checkClipTextHeader(partial);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new ExternalServiceError(`The file downloaded from ${url} is not a CLIP text checkpoint, so it was deleted: ${error.message}`, { cause: error });
  }
}

function repositoryOf(options: DownloadClipTextOptions): string {
  return options.repository ?? 'openai/clip-vit-base-patch16';
}

function checkpointUrl(options: DownloadClipTextOptions): string {
  const repository = repositoryOf(options);
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new ValidationError(`Repository "${repository}" is invalid; expected "owner/name", such as openai/clip-vit-base-patch16.`);
  }
  const baseUrl = (options.baseUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
  return `${baseUrl}/${repository}/resolve/main/model.safetensors`;
}
