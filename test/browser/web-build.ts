import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './serve-process';

/** Sources that end up in the browser bundle: the renderer, the API contract and the prompt schemas it imports. */
const bundleSources = ['renderer', 'main/api', 'main/prompts'];

/** Builds out/web with `renderer/vite.web.config.ts` unless the build is newer than every bundled source. */
export function ensureWebBuild(): void {
  const builtAt = statSync(join(repoRoot, 'out/web/index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changedAt = Math.max(...bundleSources.map((folder) => newestModification(join(repoRoot, folder))));
  if (builtAt > changedAt) return;

  execFileSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.web.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}

function newestModification(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
