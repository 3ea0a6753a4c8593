import type { ExecutionProviderChoice } from '../../api/schemas';
import type { Db } from '../../db/workspace';
import { createLogger } from '../../log';
import { getModel } from '../models';
import { resolveExecutionProvider } from '../runtime';
import { describeRequestFailure } from './failure';
import { readRegisteredModel, startPoolFor } from './model-pool';
import type { EmbeddingWorkerPool } from './worker-pool';

const log = createLogger('Embedding');

/** Idle time before the warm worker closes. Searches come in bursts, and a warm worker skips loading the model again. */
const idleCloseMs = 60_000;

interface WarmPool {
  key: string;
  pool: Promise<EmbeddingWorkerPool>;
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
    await closeWarmPool();
    const pool = readRegisteredModel(model).then(async (modelBytes) => {
      const started = await startPoolFor(model, modelBytes, provider, { workers: 1 }, { allowCpuFallback: executionProvider === 'auto' });
      // An idle warm worker must not keep a command-line process alive.
      started.pool.unrefWhenIdle();
      return started.pool;
    });
    warm = { key, pool, idleTimer: null };
  }

  const current = warm;
  if (current.idleTimer) clearTimeout(current.idleTimer);
  try {
    return await (await current.pool).embed([bytes]);
  } catch (error) {
    // A pool that failed to start must not be reused by the next call.
    if (warm === current) warm = null;
    throw describeRequestFailure(error, null);
  } finally {
    scheduleIdleClose(current);
  }
}

/** Closes the warm worker now, for shutdown and tests. */
export async function closeWarmPool(): Promise<void> {
  const current = warm;
  warm = null;
  if (!current) return;
  if (current.idleTimer) clearTimeout(current.idleTimer);
  const pool = await current.pool.catch(() => null);
  await pool?.close();
}

function scheduleIdleClose(current: WarmPool): void {
  if (warm !== current) return;
  current.idleTimer = setTimeout(() => {
    log.debug('closing idle search embedding worker', { key: current.key });
    void closeWarmPool();
  }, idleCloseMs);
  current.idleTimer.unref();
}
