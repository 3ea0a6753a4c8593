import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConflictError } from '../../errors';
import { createLogger } from '../../log';
import { isProcessRunning } from '../../process-running';

const log = createLogger('ClipDownload');

/**
 * Age of the last write after which a partial file counts as abandoned even
 * when its process id is in use, since ids get reused. A live download writes
 * at least once per idle timeout, which is far shorter.
 */
const abandonedAfterMs = 60 * 60 * 1000;

/** Destinations, as absolute paths, with a download running in this process. */
const activeDestinations = new Set<string>();

/**
 * Reserves `destination` for one download in this process and returns the
 * function that frees it. Throws ConflictError naming `repository` while
 * another download into the same file runs.
 */
export function claimDestination(destination: string, repository: string): () => void {
  const key = resolve(destination);
  if (activeDestinations.has(key)) {
    throw new ConflictError(`A download into ${destination} is already running, so ${repository} cannot be downloaded there now; wait for it to finish or cancel it.`);
  }
  activeDestinations.add(key);
  return () => activeDestinations.delete(key);
}

/** Names a partial file unique to this download: '<destination>.<pid>-<random hex>.partial'. */
export function partialPathFor(destination: string): string {
  return `${destination}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
}

/**
 * Deletes partial files of `destination` that no running download writes:
 * those of a process that is gone, of this process (whose claim on the
 * destination rules out a live one), those unwritten for an hour, and the
 * unnumbered '<destination>.partial' of older versions. Call it only while
 * holding the claim.
 */
export async function removeStalePartials(destination: string): Promise<void> {
  const folder = dirname(destination);
  const prefix = `${basename(destination)}.`;
  const names = await readdir(folder).catch(() => [] as string[]);

  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
    const path = join(folder, name);
    if (await mayBeWritten(path, name.slice(prefix.length, -'.partial'.length))) continue;

    await rm(path, { force: true });
    log.info('stale partial download removed', { path });
  }
}

/** Tells whether another process may still be writing a partial file, from the '<pid>-<random hex>' part of its name. */
async function mayBeWritten(path: string, tag: string): Promise<boolean> {
  const owner = /^(\d+)-[0-9a-f]+$/.exec(tag);
  if (!owner || Number(owner[1]) === process.pid || !isProcessRunning(Number(owner[1]))) return false;

  const modified = await stat(path).then((info) => info.mtimeMs, () => 0);
  return Date.now() - modified < abandonedAfterMs;
}
