import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, ExternalServiceError, ValidationError } from '../../../main/errors';
import { silentProgress, type ProgressReporter } from '../../../main/jobs/progress';
import { loadClipTextWeights } from '../../../main/ml/text/clip-weights';
import { downloadClipTextWeights } from '../../../main/ml/text/download-clip-weights';
import { encodeSafetensors } from '../../../main/ml/training/safetensors';
import { randomClipTensors, smallOptions } from './clip-text-fixture';

const directory = mkdtempSync(join(tmpdir(), 'clip-download-test-'));
const checkpoint = Buffer.from(encodeSafetensors({ tensors: randomClipTensors(smallOptions), metadata: {} }));
const checkpointSha256 = createHash('sha256').update(checkpoint).digest('hex');
let server: Server;
let baseUrl: string;

/**
 * Serves routes shaped like the hub's. 'good' responds with a redirect that
 * carries X-Linked-Etag, 'corrupt' with the file and a wrong ETag, 'stalled'
 * with half a body that never ends, and anything else with 404.
 */
function handle(path: string, respond: ServerResponse): void {
  if (path === '/org/good/resolve/main/model.safetensors') {
    respond.writeHead(302, { location: '/storage/good', 'x-linked-etag': `"${checkpointSha256}"`, 'x-linked-size': String(checkpoint.length) }).end();
  } else if (path === '/storage/good') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), etag: '"not-a-checksum"' }).end(checkpoint);
  } else if (path === '/org/corrupt/resolve/main/model.safetensors') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), etag: `W/"${'0'.repeat(64)}"` }).end(checkpoint);
  } else if (path === '/org/stalled/resolve/main/model.safetensors') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': checkpointSha256 });
    respond.write(checkpoint.subarray(0, checkpoint.length >> 1));
  } else {
    respond.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer((request, response) => handle(request.url ?? '', response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

/** Records every progress report. */
function recordingProgress(signal?: AbortSignal): ProgressReporter & { reports: [number, number][] } {
  const base = silentProgress(signal);
  const reports: [number, number][] = [];
  return { ...base, reports, update: (_phase, done, total) => reports.push([done, total]) };
}

describe('downloadClipTextWeights', () => {
  it('verified download lands in place', async () => {
    const destination = join(directory, 'good', 'model.safetensors');
    const progress = recordingProgress();
    const result = await downloadClipTextWeights({ destination, repository: 'org/good', baseUrl, progress });

    expect(result.sha256).toBe(checkpointSha256);
    expect(result.bytes).toBe(checkpoint.length);
    expect(progress.reports.at(-1)).toEqual([checkpoint.length, checkpoint.length]);
    expect((await loadClipTextWeights(destination, { heads: 2 })).options).toEqual(smallOptions);
    expect(readdirSync(join(directory, 'good'))).toEqual(['model.safetensors']);
  });

  it('wrong checksum leaves no file', async () => {
    const destination = join(directory, 'corrupt', 'model.safetensors');
    const download = downloadClipTextWeights({ destination, repository: 'org/corrupt', baseUrl, progress: silentProgress() });
    await expect(download).rejects.toThrow(ExternalServiceError);
    await expect(download).rejects.toThrow(`has SHA-256 ${checkpointSha256} but the server published ${'0'.repeat(64)}`);
    expect(readdirSync(join(directory, 'corrupt'))).toEqual([]);
  });

  it('unreachable host fails with advice', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const destination = join(directory, 'offline', 'model.safetensors');
    const download = downloadClipTextWeights({ destination, baseUrl: `http://127.0.0.1:${port}`, progress: silentProgress() });
    await expect(download).rejects.toThrow(ExternalServiceError);
    await expect(download).rejects.toThrow(`Could not reach http://127.0.0.1:${port}/openai/clip-vit-base-patch16/resolve/main/model.safetensors (ECONNREFUSED)`);
    await expect(download).rejects.toThrow(/pick the file from disk/);
    expect(existsSync(join(directory, 'offline'))).toBe(false);
  });

  it('missing repository reports status', async () => {
    const download = downloadClipTextWeights({ destination: join(directory, 'absent.safetensors'), repository: 'org/absent', baseUrl, progress: silentProgress() });
    await expect(download).rejects.toThrow(/failed with HTTP 404 Not Found\. Check the repository name/);
  });

  it('cancel mid-stream deletes partial file', async () => {
    const controller = new AbortController();
    const progress = recordingProgress(controller.signal);
    const destination = join(directory, 'stalled', 'model.safetensors');
    const download = downloadClipTextWeights({ destination, repository: 'org/stalled', baseUrl, progress });

    // Cancel while the download waits for the second half of the body.
    while (!existsSync(`${destination}.partial`) || progress.reports.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(download).rejects.toThrow(CancelledError);
    expect(readdirSync(join(directory, 'stalled'))).toEqual([]);
  });

  it('invalid repository throws', async () => {
    await expect(downloadClipTextWeights({ destination: join(directory, 'x'), repository: 'no-owner', baseUrl, progress: silentProgress() })).rejects.toThrow(ValidationError);
  });
});
