import { app, BrowserWindow, dialog, ipcMain, safeStorage, shell, type IpcMainInvokeEvent } from 'electron';
import { join, resolve } from 'node:path';
import { apiEventNames, apiMethodNames } from './api/contract';
import { eventChannel, methodChannel, pickPathChannel } from './api/channels';
import { createDispatcher } from './api/dispatcher';
import { apiHandlers } from './api/handlers';
import { closeAppContext, createAppContext, type AppContext } from './app-context';
import { stopDistanceWorker } from './retrieval/distance-worker-client';
import { resolveNativeBinding } from './db/native-binding';
import { EncryptedFileSecretStore } from './electron/encrypted-secret-store';
import { serializeError } from './errors';
import { configureLogFile, createLogger } from './log';
import { configureSecretStore } from './prompts/secret-store';
import { defaultWorkspacePath } from './workspace-location';

/**
 * Electron's main process, kept thin: it opens the workspace, serves the API
 * contract over IPC and owns the window. All work happens in the services,
 * which never import Electron.
 */

const log = createLogger('Main');
const projectRoot = resolve(import.meta.dirname, '../..');
let context: AppContext | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'MP-ReID Workstation',
    icon: join(projectRoot, 'resources', 'icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });

  // Links open in the system browser; the app window never navigates away from the renderer.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());

  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return window;
}

function serveApiOverIpc(appContext: AppContext, window: BrowserWindow): void {
  const dispatch = createDispatcher(apiHandlers, appContext);
  const fromOurWindow = (event: IpcMainInvokeEvent) => event.sender.id === window.webContents.id;

  for (const method of apiMethodNames) {
    ipcMain.handle(methodChannel(method), async (event, input: unknown) => {
      if (!fromOurWindow(event)) return { ok: false, error: { code: 'validation', message: 'Calls are accepted only from the workstation window.' } };
      try {
        return { ok: true, result: await dispatch(method, input) };
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    });
  }

  ipcMain.handle(pickPathChannel, async (event, request: { kind?: unknown; extensions?: unknown }) => {
    if (!fromOurWindow(event)) return null;
    return pickPath(window, request);
  });

  appContext.events.subscribe((event, payload) => {
    if (!window.isDestroyed() && apiEventNames.includes(event)) window.webContents.send(eventChannel(event), payload);
  });
}

async function pickPath(window: BrowserWindow, request: { kind?: unknown; extensions?: unknown }): Promise<string | null> {
  const kind = request.kind === 'file' ? 'file' : 'folder';
  const extensions = Array.isArray(request.extensions)
    ? request.extensions.filter((value): value is string => typeof value === 'string').map((value) => value.replace(/^\./, ''))
    : [];
  const result = await dialog.showOpenDialog(window, {
    properties: [kind === 'file' ? 'openFile' : 'openDirectory'],
    filters: kind === 'file' && extensions.length ? [{ name: extensions.join(', '), extensions }] : undefined,
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function start(): Promise<void> {
  await app.whenReady();
  const workspacePath = process.env.MPREID_WORKSPACE ?? defaultWorkspacePath(app.getPath('userData'));
  configureLogFile(join(app.getPath('logs'), 'mpreid.log'));
  // The chat API key lives in the OS keychain here; server and CLI modes read it from the environment.
  configureSecretStore(new EncryptedFileSecretStore(join(app.getPath('userData'), 'secrets.json'), safeStorage));
  context = createAppContext(workspacePath, { nativeBinding: resolveNativeBinding(projectRoot) });
  log.info('workspace open', { workspace: workspacePath });

  const window = createWindow();
  serveApiOverIpc(context, window);
}

app.on('window-all-closed', () => {
  if (context) closeAppContext(context);
  context = null;
  // Quitting while the distance worker runs onnxruntime can abort the process.
  void stopDistanceWorker().finally(() => app.quit());
});

start().catch((error) => {
  log.error('start failed', { error });
  dialog.showErrorBox('MP-ReID Workstation could not start', (error as Error).message);
  app.exit(1);
});
