import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '../../errors';
import type { ApiOutput, ApiParsedInput } from '../contract';

/** Entries listed per folder; a dataset split folder has tens of thousands of images the picker never needs. */
const maxEntries = 2000;

/** Lists a folder for the folder and file pickers, folders first, hidden entries left out. */
export function browseFiles(input: ApiParsedInput<'files.browse'>): ApiOutput<'files.browse'> {
  const path = resolve(input.path ?? homedir());
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) throw new NotFoundError(`Folder ${path} does not exist.`);
  if (!stats.isDirectory()) throw new ValidationError(`${path} is a file, not a folder.`);

  const wanted = new Set(input.extensions);
  const entries: ApiOutput<'files.browse'>['entries'] = [];
  let truncated = false;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const isFolder = entry.isDirectory();
    if (!isFolder && !wanted.has(extname(entry.name).toLowerCase())) continue;
    if (entries.length === maxEntries) {
      truncated = true;
      break;
    }
    entries.push({ name: entry.name, path: join(path, entry.name), kind: isFolder ? 'folder' : 'file' });
  }

  entries.sort(foldersFirstByName);
  const parent = dirname(path);
  return { path, parent: parent === path ? null : parent, entries, truncated };
}

function foldersFirstByName(a: { kind: string; name: string }, b: { kind: string; name: string }): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return a.name.localeCompare(b.name);
}
