import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';
import { encodeSafetensors } from '../../main/ml/training/safetensors';
import { randomClipTensors, smallOptions } from '../ml/text/clip-text-fixture';

const checkpoint = Buffer.from(encodeSafetensors({ tensors: randomClipTensors(smallOptions), metadata: {} }));
const checksum = createHash('sha256').update(checkpoint).digest('hex');
const notWeights = Buffer.from('<html>not weights, but bytes with a checksum</html>');

/** Responses of the 'held' repository, which wait for the test to send the rest of the file. */
const heldResponses: ServerResponse[] = [];

let server: Server;
let hub: string;
let dir: string;
let context: AppContext;
let call: ReturnType<typeof createDispatcher>;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/openai/clip-vit-base-patch16/resolve/main/model.safetensors') {
      response.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': `"${checksum}"` }).end(checkpoint);
    } else if (request.url === '/org/page/resolve/main/model.safetensors') {
      response.writeHead(200, { 'x-linked-etag': createHash('sha256').update(notWeights).digest('hex') }).end(notWeights);
    } else if (request.url === '/org/held/resolve/main/model.safetensors') {
      response.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': `"${checksum}"` }).write(checkpoint.subarray(0, 100));
      heldResponses.push(response);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  hub = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  dir = mkdtempSync(join(tmpdir(), 'mpreid-clip-download-'));
  context = createAppContext(join(dir, 'download.mpreid'));
  call = createDispatcher(apiHandlers, context);
});

afterAll(async () => {
  delete process.env.MPREID_HF_ENDPOINT;
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => server.close(resolve));
});

describe('textEncoder.downloadClip', () => {
  it('downloads into the workspace model folder', async () => {
    process.env.MPREID_HF_ENDPOINT = hub;

    const result = (await call('textEncoder.downloadClip', {})) as { path: string; sha256: string };

    expect(result.path).toBe(join(dir, 'download.mpreid.models', 'openai--clip-vit-base-patch16.safetensors'));
    expect(readFileSync(result.path).equals(checkpoint)).toBe(true);
    expect(result.sha256).toBe(checksum);
  });

  it('says to pick the file from disk when the hub is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    process.env.MPREID_HF_ENDPOINT = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    await expect(call('textEncoder.downloadClip', { repository: 'openai/clip-vit-large-patch14' })).rejects.toThrow(/pick the file from disk/);
    expect(existsSync(join(dir, 'download.mpreid.models', 'openai--clip-vit-large-patch14.safetensors'))).toBe(false);
  });

  it('rejects a file that is not a CLIP checkpoint', async () => {
    process.env.MPREID_HF_ENDPOINT = hub;

    const download = call('textEncoder.downloadClip', { repository: 'org/page' });
    await expect(download).rejects.toMatchObject({ code: 'external_service' });
    await expect(download).rejects.toThrow(`${hub}/org/page/resolve/main/model.safetensors is not a CLIP text checkpoint`);
    expect(existsSync(join(dir, 'download.mpreid.models', 'org--page.safetensors'))).toBe(false);
  });

  it('rejects a second download of one repository', async () => {
    process.env.MPREID_HF_ENDPOINT = hub;
    const first = call('textEncoder.downloadClip', { repository: 'org/held' });
    while (heldResponses.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    const second = call('textEncoder.downloadClip', { repository: 'org/held' });
    await expect(second).rejects.toMatchObject({ code: 'conflict' });
    await expect(second).rejects.toThrow(/org\/held/);

    heldResponses[0].end(checkpoint.subarray(100));
    expect(((await first) as { sha256: string }).sha256).toBe(checksum);
  });

  it('rejects a repository that is not owner/name', async () => {
    await expect(call('textEncoder.downloadClip', { repository: '../etc' })).rejects.toThrow(/hub repository/);
  });
});
