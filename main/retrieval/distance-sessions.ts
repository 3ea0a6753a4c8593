import { availableParallelism } from 'node:os';
import { InternalError } from '../errors';
import { createSession, type ModelSession } from '../ml/runtime';

const sessions = new Map<string, Promise<ModelSession>>();

/**
 * Returns the session of a model built for retrieval, loading it on first
 * use. Each thread that calls this (the main thread or the distance worker)
 * has its own sessions.
 */
export function loadSession(name: string, build: () => Uint8Array, intraOpThreads = availableParallelism()): Promise<ModelSession> {
  const key = `${name}/${intraOpThreads}`;
  let session = sessions.get(key);
  if (!session) {
    session = createSession(build(), {
      provider: 'cpu',
      intraOpThreads,
      flushDenormals: false,
      // Idle pool threads sleep instead of spinning, so they leave the cores to the JavaScript thread that ranks blocks.
      allowSpinning: false,
      label: `the ${name} model built for retrieval`,
    }).catch((error: unknown) => {
      sessions.delete(key);
      throw new InternalError(`ONNX Runtime could not load the ${name} model built for retrieval: ${String(error)}.`, { cause: error });
    });
    sessions.set(key, session);
  }
  return session;
}
