import { apiMethodNames, type ApiClient, type ApiEventName, type ApiEventPayload, type ApiMethodName } from '../../../main/api/contract';
import { methodRoute, webSocketPath } from '../../../main/api/channels';
import type { DesktopBridge } from '../../../preload/bridge';

/**
 * The renderer's only way to reach the main services. In the desktop app it
 * calls the preload bridge (Electron IPC); in a browser it calls the local
 * web server with the token that the start-up URL carried.
 */

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

type EventHandler<E extends ApiEventName> = (payload: ApiEventPayload<E>) => void;

interface Transport {
  call(method: ApiMethodName, input: unknown): Promise<unknown>;
  subscribe(listener: (event: ApiEventName, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    mpreid?: DesktopBridge;
  }
}

const transport: Transport = window.mpreid ? desktopTransport(window.mpreid) : webTransport();

export const api = Object.fromEntries(
  apiMethodNames.map((method) => [method, (input: unknown) => transport.call(method, input ?? {})]),
) as unknown as ApiClient;

export function onApiEvent<E extends ApiEventName>(event: E, handler: EventHandler<E>): () => void {
  return transport.subscribe((name, payload) => {
    if (name === event) handler(payload as ApiEventPayload<E>);
  });
}

export const isDesktop = Boolean(window.mpreid);

function desktopTransport(bridge: DesktopBridge): Transport {
  return {
    call: async (method, input) => {
      const reply = await bridge.call(method, input);
      if (!reply.ok) throw new ApiCallError(reply.error.code, reply.error.message);
      return reply.result;
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

function webTransport(): Transport {
  const token = takeTokenFromAddress();
  const listeners = new Set<(event: ApiEventName, payload: unknown) => void>();
  let socket: WebSocket | null = null;

  const connect = () => {
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${protocol}//${location.host}${webSocketPath}?token=${encodeURIComponent(token)}`);
    socket.onmessage = (message) => {
      const { event, payload } = JSON.parse(String(message.data)) as { event: ApiEventName; payload: unknown };
      for (const listener of listeners) listener(event, payload);
    };
    // Reconnect after a server restart; the page keeps working without events meanwhile.
    socket.onclose = () => setTimeout(connect, 2000);
  };
  connect();

  return {
    call: async (method, input) => {
      const response = await fetch(methodRoute(method), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const body = (await response.json()) as { result?: unknown; error?: { code: string; message: string } };
      if (!response.ok || body.error) throw new ApiCallError(body.error?.code ?? 'internal', body.error?.message ?? `HTTP ${response.status}`);
      return body.result;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Reads `?token=` once, keeps it for this tab, and removes it from the address bar. */
function takeTokenFromAddress(): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('mpreid-token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.toString());
  }
  return fromUrl ?? sessionStorage.getItem('mpreid-token') ?? '';
}
