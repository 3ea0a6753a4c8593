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
// NOTE: a bundled Electron build must emit each worker module as its own entry
// and pass the emitted .js URL here, because a .ts URL only works where tsx is installed.
export function startModuleWorker<T>(entry: URL, data: T, transferList: readonly TransferListItem[] = []): Worker {
  const workerData: ModuleWorkerData<T> = { entry: entry.href, data };
  const script = entry.pathname.endsWith('.ts') ? new URL('./typescript-worker.mjs', import.meta.url) : entry;
  return new Worker(script, { workerData, transferList: [...transferList] });
}
