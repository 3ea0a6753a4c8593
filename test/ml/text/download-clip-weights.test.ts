import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, ConflictError, ExternalServiceError, ValidationError } from '../../../main/errors';
import { silentProgress, type ProgressReporter } from '../../../main/jobs/progress';
import { loadClipTextWeights } from '../../../main/ml/text/clip-weights';
import { downloadClipTextWeights } from '../../../main/ml/text/download-clip-weights';
import { SeededRandom } from '../../../main/ml/training/random';
import { encodeSafetensors } from '../../../main/ml/training/safetensors';
import { randomClipTensors, smallOptions } from './clip-text-fixture';

const directory = mkdtempSync(join(tmpdir(), 'clip-download-test-'));
const checkpoint = Buffer.from(encodeSafetensors({ tensors: randomClipTensors(smallOptions), metadata: {} }));
const checkpointSha256 = sha256Of(checkpoint);
const visionOnly = Buffer.from(encodeSafetensors({ tensors: [{ name: 'vision_model.post_layernorm.weight', shape: [4], data: new Float32Array(4) }], metadata: {} }));
const jpeg = readFileSync(join(__dirname, '../../../../shared/data/DukeMTMC-reID/query/0005_c2_f0046985.jpg'));
const byteSource = new SeededRandom(3);
const randomBytes = Buffer.from(Array.from({ length: 4096 }, () => byteSource.nextInt(256)));
let server: Server;
let baseUrl: string;

/** Responses of the 'held' and 'short' routes, which wait for the test to end them. */
const heldResponses: ServerResponse[] = [];

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Sends `bytes` with the checksum header the hub sets on LFS files. */
function serveFile(respond: ServerResponse, bytes: Buffer): void {
  respond.writeHead(200, { 'content-length': String(bytes.length), 'x-linked-etag': `"${sha256Of(bytes)}"` }).end(bytes);
}

/**
 * Serves routes shaped like the hub's, one behaviour per route:
 * - 'good': a redirect that carries X-Linked-Etag;
 * - 'corrupt': the file with a wrong ETag;
 * - 'stalled': half a body that never ends;
 * - 'short': 2048 of 3048 announced bytes, until the test cuts the connection;
 * - 'held': half a body, until the test sends the rest;
 * - the file routes: that file with its true checksum; anything else: 404.
 */
function handle(path: string, respond: ServerResponse): void {
  const route = /^\/org\/([\w-]+)\/resolve\/main\/model\.safetensors$/.exec(path)?.[1];
  const files: Record<string, Buffer> = { jpeg, empty: Buffer.alloc(0), random: randomBytes, vision: visionOnly };
  if (route === 'good') {
    respond.writeHead(302, { location: '/storage/good', 'x-linked-etag': `"${checkpointSha256}"`, 'x-linked-size': String(checkpoint.length) }).end();
  } else if (path === '/storage/good') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), etag: '"not-a-checksum"' }).end(checkpoint);
  } else if (route === 'corrupt') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), etag: `W/"${'0'.repeat(64)}"` }).end(checkpoint);
  } else if (route === 'stalled' || route === 'held') {
    respond.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': checkpointSha256 });
    respond.write(checkpoint.subarray(0, checkpoint.length >> 1));
    if (route === 'held') heldResponses.push(respond);
  } else if (route === 'short') {
    respond.writeHead(200, { 'content-length': '3048', 'x-linked-etag': checkpointSha256 });
    respond.write(checkpoint.subarray(0, 2048));
    heldResponses.push(respond);
  } else if (route && files[route]) {
    serveFile(respond, files[route]);
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

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function partialFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.partial'));
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
    const folder = join(directory, 'stalled');
    const download = downloadClipTextWeights({ destination: join(folder, 'model.safetensors'), repository: 'org/stalled', baseUrl, progress });

    // Cancel while the download waits for the second half of the body.
    await waitFor(() => existsSync(folder) && partialFiles(folder).length > 0 && progress.reports.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(download).rejects.toThrow(CancelledError);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('invalid repository throws', async () => {
    await expect(downloadClipTextWeights({ destination: join(directory, 'x'), repository: 'no-owner', baseUrl, progress: silentProgress() })).rejects.toThrow(ValidationError);
  });

  it('connection closed early names byte counts', async () => {
    const folder = join(directory, 'short');
    const download = downloadClipTextWeights({ destination: join(folder, 'model.safetensors'), repository: 'org/short', baseUrl, progress: silentProgress() });

    // Cut the connection once the first 2048 bytes are on disk, so none are still in flight.
    await waitFor(() => existsSync(folder) && partialFiles(folder).some((name) => statSync(join(folder, name)).size === 2048));
    heldResponses.pop()!.socket!.destroy();
    await expect(download).rejects.toThrow(ExternalServiceError);
    await expect(download).rejects.toThrow(/ended after 2048 of 3048 bytes; try again, or download the file elsewhere and pick it from disk/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('stalled body times out', async () => {
    const folder = join(directory, 'idle');
    const download = downloadClipTextWeights({ destination: join(folder, 'model.safetensors'), repository: 'org/stalled', baseUrl, progress: silentProgress(), idleTimeoutMs: 300 });

    await expect(download).rejects.toThrow(ExternalServiceError);
    await expect(download).rejects.toThrow(`no data for 0.3 s after ${checkpoint.length >> 1} of ${checkpoint.length} bytes`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it.each([
    ['jpeg', /is not a safetensors file: it has \d+ bytes starting with ff d8 ff/],
    ['empty', /is empty/],
    ['random', /is not a safetensors file: it has 4096 bytes starting with/],
    ['vision', /lacks tensor "text_model\.embeddings\.token_embedding\.weight"/],
  ])('%s file with valid checksum is rejected', async (route, found) => {
    const folder = join(directory, `not-clip-${route}`);
    const download = downloadClipTextWeights({ destination: join(folder, 'model.safetensors'), repository: `org/${route}`, baseUrl, progress: silentProgress() });

    await expect(download).rejects.toThrow(ExternalServiceError);
    await expect(download).rejects.toThrow(`The file downloaded from ${baseUrl}/org/${route}/resolve/main/model.safetensors is not a CLIP text checkpoint`);
    await expect(download).rejects.toThrow(found);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('second download to one destination conflicts', async () => {
    const folder = join(directory, 'held');
    const destination = join(folder, 'model.safetensors');
    const first = downloadClipTextWeights({ destination, repository: 'org/held', baseUrl, progress: silentProgress() });
    await waitFor(() => heldResponses.length === 1);
    const held = heldResponses.pop()!;

    const second = downloadClipTextWeights({ destination, repository: 'org/good', baseUrl, progress: silentProgress() });
    await expect(second).rejects.toThrow(ConflictError);
    await expect(second).rejects.toThrow(/org\/good/);

    held.end(checkpoint.subarray(checkpoint.length >> 1));
    expect((await first).sha256).toBe(checkpointSha256);
    expect(readdirSync(folder)).toEqual(['model.safetensors']);
  });

  it('parallel downloads to other destinations run', async () => {
    const downloads = ['one', 'two'].map((name) =>
      downloadClipTextWeights({ destination: join(directory, 'parallel', `${name}.safetensors`), repository: 'org/good', baseUrl, progress: silentProgress() }),
    );

    expect((await Promise.all(downloads)).map((result) => result.sha256)).toEqual([checkpointSha256, checkpointSha256]);
    expect(readdirSync(join(directory, 'parallel')).sort()).toEqual(['one.safetensors', 'two.safetensors']);
  });

  it('killed download partial is removed later', async () => {
    const folder = join(directory, 'killed');
    mkdirSync(folder);
    const destination = join(folder, 'model.safetensors');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'download-child.ts'), destination, `${baseUrl}`, 'org/stalled'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));

    await waitFor(() => partialFiles(folder).length > 0);
    child.kill('SIGTERM');
    await exited;
    expect(partialFiles(folder)).toHaveLength(1);

    await downloadClipTextWeights({ destination, repository: 'org/good', baseUrl, progress: silentProgress() });
    expect(readdirSync(folder)).toEqual(['model.safetensors']);
  });
});
