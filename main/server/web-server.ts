import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiDispatch } from '../api/dispatcher';
import { httpApiPrefix, webSocketPath } from '../api/channels';
import type { EventBus } from '../api/event-bus';
import { serializeError, type ErrorCode } from '../errors';
import { createLogger } from '../log';
import { isAllowedHost, isAllowedOrigin, presentedToken, tokenCookieName, tokensMatch } from './auth';
import { serveStaticFile } from './static-files';

const log = createLogger('WebServer');

/** Logs rejected requests as one line per 10 s with their count, so repeated bad requests cannot fill the log. */
const rejections = (() => {
  const intervalMs = 10_000;
  let count = 0;
  let lastLogged = 0;
  return {
    note(reason: string, request: IncomingMessage): void {
      count += 1;
      const now = Date.now();
      if (now - lastLogged < intervalMs) return;
      log.warn('rejected requests', { count, lastReason: reason, lastPath: request.url, remoteAddress: request.socket.remoteAddress });
      count = 0;
      lastLogged = now;
    },
  };
})();

/** Largest request body accepted, in bytes: room for one dropped image as a data URL. */
const maxBodyBytes = 32 * 1024 * 1024;

const statusByCode: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  dataset_format: 422,
  shape: 422,
  conflict: 409,
  cancelled: 409,
  not_supported: 501,
  external_service: 502,
  internal: 500,
};

export interface WebServerOptions {
  dispatch: ApiDispatch;
  events: EventBus;
  token: string;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningWebServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the API, the progress WebSocket and the renderer on 127.0.0.1 only.
 * Every request must present the per-start token.
 */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  let port = options.port;
  const server = createServer((request, response) => {
    handleRequest(request, response, options, port).catch((error) => {
      log.error('request failed', { url: request.url, error });
      if (!response.headersSent) sendJson(response, 500, { error: serializeError(error) });
      else response.end();
    });
  });
  const sockets = attachWebSocket(server, options, () => port);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  log.info('listening', { port });

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/?token=${options.token}`,
    close: () => closeServer(server, sockets),
  };
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, options: WebServerOptions, port: number): Promise<void> {
  setSecurityHeaders(response, port);
  const url = parseRequestUrl(request.url, port);
  if (!url) {
    sendJson(response, 400, { error: { code: 'validation', message: `The request path ${JSON.stringify(request.url)} is not a valid URL path.` } });
    return;
  }

  if (!isAllowedHost(request.headers.host) || !isAllowedOrigin(request.headers.origin, request.headers.host)) {
    rejections.note('foreign host or origin', request);
    sendJson(response, 403, {
      error: { code: 'validation', message: 'Requests must address 127.0.0.1 or localhost and come from the workstation page itself.' },
    });
    return;
  }
  if (!tokensMatch(options.token, presentedToken(request, url))) {
    rejections.note('missing or wrong token', request);
    sendJson(response, 401, { error: { code: 'validation', message: 'Missing or wrong token. Open the URL that "npm run serve" printed.' } });
    return;
  }

  if (url.pathname.startsWith(httpApiPrefix)) {
    await handleApiCall(request, response, options.dispatch, url.pathname.slice(httpApiPrefix.length));
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: { code: 'validation', message: `Method ${request.method} is not allowed here.` } });
    return;
  }
  if (url.searchParams.has('token')) {
    // Move the token from the address bar into a cookie that page assets send back.
    response.setHeader('Set-Cookie', `${tokenCookieName}=${options.token}; HttpOnly; SameSite=Strict; Path=/`);
  }
  if (!serveStaticFile(options.staticDir, url.pathname, response) && !serveStaticFile(options.staticDir, '/', response)) {
    sendJson(response, 404, { error: { code: 'not_found', message: `The renderer is not built in ${options.staticDir}. Run "npm run build:web".` } });
  }
}

async function handleApiCall(request: IncomingMessage, response: ServerResponse, dispatch: ApiDispatch, method: string): Promise<void> {
  if (request.method !== 'POST') {
    sendJson(response, 405, { error: { code: 'validation', message: 'API calls use POST with a JSON body.' } });
    return;
  }
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    sendJson(response, 415, { error: { code: 'validation', message: 'API calls need Content-Type: application/json.' } });
    return;
  }

  const declaredLength = Number(request.headers['content-length'] ?? 0);
  if (declaredLength > maxBodyBytes) {
    sendBodyTooLarge(response);
    return;
  }

  let input: unknown;
  try {
    input = JSON.parse((await readBody(request)) || '{}');
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendBodyTooLarge(response);
      return;
    }
    sendJson(response, 400, { error: { code: 'validation', message: `The request body is not valid JSON: ${(error as Error).message}` } });
    return;
  }

  try {
    sendJson(response, 200, { result: await dispatch(method, input) });
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized.code === 'internal') log.error('API call failed', { method, error });
    sendJson(response, statusByCode[serialized.code], { error: serialized });
  }
}

/** Parses the request target, or returns null for one that is malformed or that decodes to a NUL byte. */
function parseRequestUrl(target: string | undefined, port: number): URL | null {
  try {
    const url = new URL(target ?? '/', `http://127.0.0.1:${port}`);
    return decodeURIComponent(url.pathname).includes('\0') ? null : url;
  } catch {
    return null;
  }
}

/** A request body over the size limit, which gets status 413. */
class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLargeError());
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function attachWebSocket(server: Server, options: WebServerOptions, currentPort: () => number): WebSocketServer {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  server.on('upgrade', (request, socket, head) => {
    const port = currentPort();
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const allowed =
      url.pathname === webSocketPath &&
      isAllowedHost(request.headers.host) &&
      isAllowedOrigin(request.headers.origin, request.headers.host) &&
      tokensMatch(options.token, presentedToken(request, url));
    if (!allowed) {
      rejections.note('WebSocket without token, or from a foreign page', request);
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => relayEvents(client, options.events));
  });
  return sockets;
}

function relayEvents(client: WebSocket, events: EventBus): void {
  const unsubscribe = events.subscribe((event, payload) => {
    if (client.readyState === client.OPEN) client.send(JSON.stringify({ event, payload }));
  });
  client.on('close', unsubscribe);
  client.on('error', unsubscribe);
  // Clients only listen; anything they send is ignored.
  client.on('message', () => {});
}

function setSecurityHeaders(response: ServerResponse, port: number): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'`,
  );
}

function sendBodyTooLarge(response: ServerResponse): void {
  log.warn('request body over the limit', { maxBodyBytes });
  response.setHeader('Connection', 'close');
  sendJson(response, 413, { error: { code: 'validation', message: `The request body is larger than ${maxBodyBytes / (1024 * 1024)} MiB; send a smaller image or input.` } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function closeServer(server: Server, sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
