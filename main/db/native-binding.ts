import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 ships one native addon, built by `npm install` for Node's ABI.
 * Electron needs the same addon built for its own ABI, so `npm run
 * rebuild:electron` builds a second copy into `native/electron/` and the
 * desktop app passes that file as better-sqlite3's `nativeBinding` option.
 * Tests, the CLI and `npm run serve` keep using the Node build.
 */
export function electronNativeBindingPath(projectRoot: string): string {
  return join(projectRoot, 'native', 'electron', 'better_sqlite3.node');
}

/** Returns the addon path to load in this process, or undefined for better-sqlite3's default. */
export function resolveNativeBinding(projectRoot: string): string | undefined {
  if (!process.versions.electron) return undefined;

  const path = electronNativeBindingPath(projectRoot);
  if (!existsSync(path)) {
    throw new Error(
      `The SQLite addon for Electron is missing at ${path}. Run "npm run rebuild:electron" once, then start the app again.`,
    );
  }
  return path;
}
