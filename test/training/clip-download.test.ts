import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';

const checkpoint = Buffer.from('not real weights, but bytes with a checksum');
const checksum = createHash('sha256').update(checkpoint).digest('hex');

let server: Server;
let hub: string;
let dir: string;
let context: AppContext;
let call: ReturnType<typeof createDispatcher>;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/openai/clip-vit-base-patch16/resolve/main/model.safetensors') {
      response.writeHead(200, { 'content-length': String(checkpoint.length), 'x-linked-etag': `"${checksum}"` }).end(checkpoint);
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

  it('rejects a repository that is not owner/name', async () => {
    await expect(call('textEncoder.downloadClip', { repository: '../etc' })).rejects.toThrow(/hub repository/);
  });
});
