import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token for page assets and the WebSocket. */
export const tokenCookieName = 'mpreid_token';

/** Creates a random 192-bit URL-safe token; the server makes one per start. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensMatch(expected: string, candidate: string | undefined | null): boolean {
  if (!candidate) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(candidate);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Returns the token a request presents: the Authorization header, then the cookie, then `?token=`. */
export function presentedToken(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();

  const cookie = parseCookies(request.headers.cookie ?? '')[tokenCookieName];
  if (cookie) return cookie;

  return url.searchParams.get('token');
}

const loopbackHostnames = new Set(['127.0.0.1', 'localhost']);

/**
 * Accepts only Host headers that name a loopback address, so a page on another
 * site cannot reach the server through DNS rebinding. Any port is accepted
 * because an SSH tunnel may forward a different local port to the server's.
 */
export function isAllowedHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  try {
    return loopbackHostnames.has(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return false;
  }
}

/**
 * A request made by a page carries an Origin header, which must be the
 * origin the request is addressed to: the workstation page itself. Requests
 * without one (curl, the command line) pass.
 */
export function isAllowedOrigin(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (!originHeader) return true;
  return originHeader === `http://${hostHeader}`;
}

function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    cookies[part.slice(0, separator).trim()] = decodeURIComponent(part.slice(separator + 1).trim());
  }
  return cookies;
}
