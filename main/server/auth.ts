import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token for page assets and the WebSocket. */
export const tokenCookieName = 'mpreid_token';

/** A fresh 192-bit token, URL-safe, made once per server start. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensMatch(expected: string, candidate: string | undefined | null): boolean {
  if (!candidate) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(candidate);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: the Authorization header, then the cookie, then `?token=`. */
export function presentedToken(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();

  const cookie = parseCookies(request.headers.cookie ?? '')[tokenCookieName];
  if (cookie) return cookie;

  return url.searchParams.get('token');
}

/**
 * Accepts only Host headers naming the loopback address the server is bound
 * to, so a page on another site cannot reach the server through DNS rebinding.
 */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`;
}

/** A cross-origin request carries an Origin header that is not the server's own. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (!originHeader) return true;
  return originHeader === `http://127.0.0.1:${port}` || originHeader === `http://localhost:${port}`;
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
