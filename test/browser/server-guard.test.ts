import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from './http-request';
import { startServeProcess, type ServeProcess } from './serve-process';

let tempDir: string;
let server: ServeProcess;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'mpreid-guard-'));
  server = await startServeProcess(join(tempDir, 'guard.mpreid'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(tempDir, { recursive: true, force: true });
});

function apiCall(headers: Record<string, string>) {
  return rawRequest(server.port, {
    method: 'POST',
    path: '/api/workspace.info',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: '{}',
  });
}

function ownHost(): string {
  return `127.0.0.1:${server.port}`;
}

describe('web server guard', () => {
  it('accepts the token', async () => {
    const response = await apiCall({ Host: ownHost(), Authorization: `Bearer ${server.token}` });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).result.path).toBe(join(tempDir, 'guard.mpreid'));
  });

  it('rejects a missing token with 401', async () => {
    const response = await apiCall({ Host: ownHost() });

    expect(response.status).toBe(401);
    expect(response.body).not.toContain('"result"');
  });

  it('rejects a wrong token with 401', async () => {
    const wrongToken = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
    const response = await apiCall({ Host: ownHost(), Authorization: `Bearer ${wrongToken}` });

    expect(response.status).toBe(401);
  });

  it('rejects the page without a token with 401', async () => {
    const response = await rawRequest(server.port, { method: 'GET', path: '/', headers: { Host: ownHost() } });

    expect(response.status).toBe(401);
  });

  it('rejects a foreign Host with 403', async () => {
    const response = await apiCall({ Host: `attacker.example:${server.port}`, Authorization: `Bearer ${server.token}` });

    expect(response.status).toBe(403);
    expect(response.body).not.toContain('"result"');
  });

  it('rejects a foreign Origin with 403', async () => {
    const response = await apiCall({ Host: ownHost(), Origin: 'http://attacker.example', Authorization: `Bearer ${server.token}` });

    expect(response.status).toBe(403);
  });

  it('rejects an event socket without token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
    const status = await new Promise<number>((resolve, reject) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('The event socket opened without a token.')));
      socket.on('error', reject);
    });

    expect(status).toBe(401);
  });
});
