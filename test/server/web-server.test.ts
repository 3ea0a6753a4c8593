import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDispatcher } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { migrations } from '../../main/db/migrations';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';
import { createToken } from '../../main/server/auth';
import { startWebServer, type RunningWebServer } from '../../main/server/web-server';

let dir: string;
let context: AppContext;
let server: RunningWebServer;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-server-'));
  const staticDir = join(dir, 'web');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<html>workstation</html>');
  context = createAppContext(join(dir, 'server.mpreid'));
  token = createToken();
  server = await startWebServer({ dispatch: createDispatcher(apiHandlers, context), events: context.events, token, staticDir, port: 0 });
});

afterAll(async () => {
  await server.close();
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a raw request so that Host and Origin can be set freely. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const callApi = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });

describe('web server', () => {
  it('binds to the loopback address', () => {
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('answers an API call with the token', async () => {
    const response = await callApi('workspace.info', {});

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).result.schemaVersion).toBe(migrations.at(-1)!.version);
  });

  it('rejects a request without the token', async () => {
    const response = await send('/api/workspace.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });

    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).error.message).toMatch(/token/);
  });

  it('rejects a wrong token', async () => {
    const response = await callApi('workspace.info', {}, { Authorization: 'Bearer wrong' });

    expect(response.status).toBe(401);
  });

  it('rejects a foreign Host header', async () => {
    const response = await callApi('workspace.info', {}, { Host: `evil.example:${server.port}` });

    expect(response.status).toBe(403);
  });

  it('rejects a foreign Origin', async () => {
    const response = await callApi('workspace.info', {}, { Origin: 'http://evil.example' });

    expect(response.status).toBe(403);
  });

  it('rejects invalid input with the field', async () => {
    const response = await callApi('jobs.list', { limit: 0 });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'validation', message: expect.stringContaining('limit') });
  });

  it('rejects unknown fields', async () => {
    const response = await callApi('jobs.cancel', { jobId: 1, extra: true });

    expect(response.status).toBe(400);
  });

  it('rejects an unknown method', async () => {
    const response = await callApi('system.exec', {});

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toContain('Unknown API method');
  });

  it('rejects a body that is not JSON', async () => {
    const response = await send('/api/workspace.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{not json',
    });

    expect(response.status).toBe(400);
  });

  it('accepts a tunnelled port on localhost', async () => {
    const response = await callApi('workspace.info', {}, { Host: 'localhost:9000', Origin: 'http://localhost:9000' });

    expect(response.status).toBe(200);
  });

  it('rejects an Origin of another local port', async () => {
    const response = await callApi('workspace.info', {}, { Origin: 'http://127.0.0.1:1' });

    expect(response.status).toBe(403);
  });

  it('answers 413 to an oversized body', async () => {
    const response = await send('/api/workspace.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: `"${'x'.repeat(33 * 1024 * 1024)}"`,
    });

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.message).toContain('32 MiB');
  });

  it('answers 400 to malformed paths', async () => {
    for (const path of ['/%E0%A4%A', '/%00', '/assets/%c0%ae%c0%ae/package.json']) {
      const response = await send(path, { headers: { Authorization: `Bearer ${token}` } });

      expect(response.status, path).toBe(400);
      expect(response.body, path).not.toContain('out/web');
    }
  });

  it('rejects GET on the API', async () => {
    const response = await send('/api/workspace.info', { headers: { Authorization: `Bearer ${token}` } });

    expect(response.status).toBe(405);
  });

  it('moves the token into a cookie and serves the page', async () => {
    const first = await send(`/?token=${token}`);
    const cookie = String(first.headers['set-cookie']).split(';')[0];

    const second = await send('/', { headers: { Cookie: cookie } });

    expect(first.status).toBe(200);
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly');
    expect(second.body).toContain('workstation');
  });

  it('keeps static paths inside the renderer folder', async () => {
    const response = await send('/..%2f..%2fetc%2fpasswd', { headers: { Authorization: `Bearer ${token}` } });

    expect(response.body).not.toContain('root:');
  });

  it('relays job progress over the WebSocket', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const received = new Promise<{ event: string; payload: { done: number } }>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));

    await context.jobs.run('demo', {}, async (progress) => progress.update('step', 1, 1));

    expect(await received).toMatchObject({ event: 'job.progress', payload: { done: 1 } });
    socket.close();
  });

  it('refuses a WebSocket without the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`);

    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));

    expect(error.message).toContain('401');
  });
});
