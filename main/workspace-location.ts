import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where workspaces live when none is named: `$MPREID_HOME` or `~/MPReID`.
 * The desktop app passes Electron's user-data folder instead.
 */
export function defaultWorkspacePath(baseDir = process.env.MPREID_HOME ?? join(homedir(), 'MPReID')): string {
  return join(baseDir, 'workspaces', 'default.mpreid');
}
