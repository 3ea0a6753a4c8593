import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** The `workerData` of a module started by `startModuleWorker`. */
export interface ModuleWorkerData<T> {
  entry: string;
  data: T;
}

/**
 * Starts a worker thread that runs the module at `entry` (a file URL) and
 * hands it `data` as `workerData.data`. TypeScript entries go through a small
 * JavaScript bootstrap that registers tsx.
 */
export function startModuleWorker<T>(entry: URL, data: T, transferList: readonly TransferListItem[] = []): Worker {
  const workerData: ModuleWorkerData<T> = { entry: entry.href, data };
  const script = entry.pathname.endsWith('.ts') ? new URL('./typescript-worker.mjs', import.meta.url) : entry;
  return new Worker(script, { workerData, transferList: [...transferList] });
}

/**
 * Returns the URL of a worker module that sits beside `callerUrl`: the .ts
 * source under tsx (tests, CLI, `npm run serve`), or the .js file that the
 * Electron build emits for it as a separate entry (see electron.vite.config.ts).
 */
export function workerModuleUrl(callerUrl: string, name: string): URL {
  const source = new URL(`./${name}.ts`, callerUrl);
  return existsSync(fileURLToPath(source)) ? source : new URL(`./${name}.js`, callerUrl);
}
