import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { workerModuleUrl } from '../../../main/ml/runtime';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderWith(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpreid-worker-url-'));
  dirs.push(dir);
  for (const file of files) writeFileSync(join(dir, file), '');
  return pathToFileURL(join(dir, 'caller.js')).href;
}

describe('workerModuleUrl', () => {
  it('uses the TypeScript source when it exists', () => {
    const caller = folderWith('embedding-worker.ts');

    expect(workerModuleUrl(caller, 'embedding-worker').pathname).toMatch(/embedding-worker\.ts$/);
  });

  it('uses the built JavaScript entry in a bundle', () => {
    const caller = folderWith('embedding-worker.js');

    expect(workerModuleUrl(caller, 'embedding-worker').pathname).toMatch(/embedding-worker\.js$/);
  });
});
