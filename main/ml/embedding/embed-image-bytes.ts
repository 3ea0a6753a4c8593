import type { ExecutionProviderChoice, ModelSummary } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { createLogger } from '../../log';
import { getModel } from '../models';
import { resolveExecutionProvider, type ExecutionProvider } from '../runtime';
import { describeRequestFailure } from './failure';
import { readRegisteredModel, startPoolFor } from './model-pool';
import { EmbedRequestError, type EmbeddingWorkerPool } from './worker-pool';

const log = createLogger('Embedding');

/** Idle time before the warm worker closes. Searches come in bursts, and a warm worker skips loading the model again. */
const idleCloseMs = 60_000;

interface WarmPool {
  key: string;
  pool: Promise<EmbeddingWorkerPool>;
  activeCalls: number;
  idleTimer: NodeJS.Timeout | null;
}

let warm: WarmPool | null = null;

/**
 * Embeds one encoded image (a file dropped for search) with a registered
 * model and returns its raw feature. The decoding and the model run happen in
 * a worker thread that stays loaded for a minute after the last call.
 */
export async function embedImageBytes(
  db: Db,
  modelId: number,
  bytes: Uint8Array,
  executionProvider: ExecutionProviderChoice = 'auto',
): Promise<Float32Array> {
  const model = getModel(db, modelId);
  const { provider } = resolveExecutionProvider(executionProvider);
  const key = `${model.contentHash}:${provider}`;

  if (warm?.key !== key) {
    const previous = warm;
    warm = { key, pool: startWarmPool(model, provider, executionProvider === 'auto'), activeCalls: 0, idleTimer: null };
    if (previous) void retire(previous);
  }

  const current = warm;
  current.activeCalls += 1;
  if (current.idleTimer) clearTimeout(current.idleTimer);
  try {
    const pool = await current.pool;
    return await pool.embed([bytes]);
  } catch (error) {
    // Only a bad image leaves the worker usable; after anything else the next call starts a new one.
    if (!(error instanceof EmbedRequestError) && warm === current) warm = null;
    throw describeRequestFailure(error, null);
  } finally {
    current.activeCalls -= 1;
    if (warm === current) scheduleIdleClose(current);
    else void retire(current);
  }
}

/** Closes the warm worker for shutdown and tests, at once or when the call still using it ends. */
export async function closeWarmPool(): Promise<void> {
  const current = warm;
  warm = null;
  if (current) await retire(current);
}

function startWarmPool(model: ModelSummary, provider: ExecutionProvider, allowCpuFallback: boolean): Promise<EmbeddingWorkerPool> {
  return readRegisteredModel(model).then(async (modelBytes) => {
    const started = await startPoolFor(model, modelBytes, provider, { workers: 1 }, { allowCpuFallback });
    // An idle warm worker must not keep a command-line process alive.
    started.pool.unrefWhenIdle();
    return started.pool;
  });
}

/** Closes a pool that is no longer the warm one, once no call uses it. */
async function retire(entry: WarmPool): Promise<void> {
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  if (entry.activeCalls > 0) return;
  const pool = await entry.pool.catch(() => null);
  await pool?.close();
}

function scheduleIdleClose(current: WarmPool): void {
  if (current.activeCalls > 0) return;
  current.idleTimer = setTimeout(() => {
    log.debug('closing idle search embedding worker', { key: current.key });
    if (warm === current) warm = null;
    void retire(current);
  }, idleCloseMs);
  current.idleTimer.unref();
}
