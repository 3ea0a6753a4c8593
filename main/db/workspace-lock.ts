import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConflictError } from '../errors';
import { isProcessRunning } from '../process-running';

/** The holder of a workspace, as its lock file records it. */
interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface WorkspaceLock {
  path: string;
  release(): void;
}

/**
 * Claims a workspace for this process with `<workspace>.lock`. Jobs and
 * training runs belong to the process that runs them: a second process that
 * opened the same file would mark them interrupted and could start a second
 * training on a dataset, so it is refused instead. A lock left by a process
 * that no longer runs on this host is taken over; the same process may open
 * its workspace again.
 */
export function lockWorkspace(workspacePath: string): WorkspaceLock {
  const path = `${workspacePath}.lock`;
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };

  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path, owner)) return ownedLock(path);

    const holder = readOwner(path);
    if (holder && holder.host === owner.host && holder.pid === owner.pid) return ownedLock(path);
    if (holder && (holder.host !== owner.host || isProcessRunning(holder.pid))) {
      throw new ConflictError(
        `Workspace ${workspacePath} is open in another process (pid ${holder.pid} on ${holder.host}, since ${holder.since}). Use that app or server, or close it first; if it no longer runs, delete ${path}.`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new ConflictError(`Workspace ${workspacePath} is being opened by another process at the same moment. Try again.`);
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(descriptor, JSON.stringify(owner));
  } finally {
    closeSync(descriptor);
  }
  return true;
}

/** Reads the recorded holder; null for a lock file that is empty or unreadable (a process that died while writing it). */
function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host, since: String(parsed.since) } : null;
  } catch {
    return null;
  }
}

const ownedLockPaths = new Set<string>();
process.once('exit', () => {
  for (const path of ownedLockPaths) rmSync(path, { force: true });
});

function ownedLock(path: string): WorkspaceLock {
  ownedLockPaths.add(path);
  return {
    path,
    release: () => {
      if (ownedLockPaths.delete(path)) rmSync(path, { force: true });
    },
  };
}
