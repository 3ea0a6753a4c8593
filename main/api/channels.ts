import type { ApiEventName, ApiMethodName } from './contract';

/**
 * IPC channel and HTTP route names, derived from contract names so that no
 * channel string is written by hand anywhere else.
 */

export function methodChannel(method: ApiMethodName): string {
  return `mpreid:call:${method}`;
}

export function eventChannel(event: ApiEventName): string {
  return `mpreid:event:${event}`;
}

export const httpApiPrefix = '/api/';
export const webSocketPath = '/events';

export function methodRoute(method: ApiMethodName): string {
  return `${httpApiPrefix}${method}`;
}

/** Desktop-only: the native folder and file dialog, which has no browser counterpart. */
export const pickPathChannel = 'mpreid:desktop:pick-path';
