import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or packaged app) root: two levels above this file in the source tree and in the built `out/main/`. */
const applicationRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Describes the code that trains a run as "<package version>+<git commit>".
 * Either part is "unknown" when its file cannot be read, such as `.git` in an
 * installed app.
 */
export function codeVersion(root: string = applicationRoot): string {
  return `${readPackageVersion(root) ?? 'unknown'}+${readGitCommit(root) ?? 'unknown'}`;
}

function readPackageVersion(root: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : null;
  } catch {
    return null;
  }
}

/** Resolves HEAD from a loose ref or packed-refs, so that no git binary is needed. */
function readGitCommit(root: string): string | null {
  try {
    const head = readFileSync(join(root, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : null;

    const ref = head.slice('ref: '.length);
    try {
      return readFileSync(join(root, '.git', ref), 'utf8').trim();
    } catch {
      const packed = readFileSync(join(root, '.git', 'packed-refs'), 'utf8');
      const line = packed.split('\n').find((entry) => entry.endsWith(` ${ref}`));
      return line ? line.split(' ')[0] : null;
    }
  } catch {
    return null;
  }
}
