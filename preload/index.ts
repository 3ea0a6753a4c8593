import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiEventNames, apiMethodNames, type ApiEventName, type ApiMethodName } from '../main/api/contract';
import { eventChannel, methodChannel, pickPathChannel } from '../main/api/channels';
import type { DesktopBridge } from './bridge';

/**
 * Runs sandboxed with context isolation: the renderer gets only this object,
 * never ipcRenderer itself, and can reach only channels made from contract names.
 */

const allowedMethods = new Set<string>(apiMethodNames);

const bridge = {
  call: (method: ApiMethodName, input: unknown) => {
    if (!allowedMethods.has(method)) {
      return Promise.resolve({ ok: false as const, error: { code: 'validation' as const, message: `Unknown API method "${method}".` } });
    }
    return ipcRenderer.invoke(methodChannel(method), input);
  },

  subscribe: (listener: (event: ApiEventName, payload: unknown) => void) => {
    const removers = apiEventNames.map((event) => {
      const relay = (_sender: IpcRendererEvent, payload: unknown) => listener(event, payload);
      ipcRenderer.on(eventChannel(event), relay);
      return () => ipcRenderer.removeListener(eventChannel(event), relay);
    });
    return () => removers.forEach((remove) => remove());
  },

  pickPath: (kind: 'folder' | 'file', extensions?: string[]) => ipcRenderer.invoke(pickPathChannel, { kind, extensions }),
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('mpreid', bridge);
