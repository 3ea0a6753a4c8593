import type { ApiEventName, ApiMethodName } from '../main/api/contract';
import type { SerializedError } from '../main/errors';

/** What the preload script exposes to the renderer as `window.mpreid`. */
export interface DesktopBridge {
  call(method: ApiMethodName, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: SerializedError }>;
  /** Returns a function that removes the listener. */
  subscribe(listener: (event: ApiEventName, payload: unknown) => void): () => void;
  /** Opens the native folder or file dialog; returns null when the user cancels. */
  pickPath(kind: 'folder' | 'file', extensions?: string[]): Promise<string | null>;
}
