import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAppContext, createAppContext } from '../../main/app-context';
import { lockWorkspace } from '../../main/db/workspace-lock';
import { ConflictError } from '../../main/errors';
import { useTempDirs } from '../helpers/temp-dirs';

const tempDir = useTempDirs();
const children: ReturnType<typeof spawn>[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function writeLock(workspacePath: string, pid: number, host = hostname()): void {
  writeFileSync(`${workspacePath}.lock`, JSON.stringify({ pid, host, since: '2026-12-04T00:00:00.000Z' }));
}

describe('workspace lock', () => {
  it('refuses a workspace another process holds', () => {
    const workspacePath = join(tempDir('lock-held'), 'held.mpreid');
    const holder = spawn('sleep', ['30']);
    children.push(holder);
    writeLock(workspacePath, holder.pid!);

    expect(() => lockWorkspace(workspacePath)).toThrow(ConflictError);
    expect(() => lockWorkspace(workspacePath)).toThrow(new RegExp(`open in another process \\(pid ${holder.pid}`));
  });

  it('takes over the lock of a process that ended', () => {
    const workspacePath = join(tempDir('lock-stale'), 'stale.mpreid');
    const ended = spawnSync('true');
    writeLock(workspacePath, ended.pid!);

    const lock = lockWorkspace(workspacePath);

    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('takes over an unreadable lock file', () => {
    const workspacePath = join(tempDir('lock-empty'), 'empty.mpreid');
    writeFileSync(`${workspacePath}.lock`, '');

    expect(lockWorkspace(workspacePath).path).toBe(`${workspacePath}.lock`);
  });

  it('lets the same process open again', () => {
    const workspacePath = join(tempDir('lock-again'), 'again.mpreid');
    const first = lockWorkspace(workspacePath);

    expect(lockWorkspace(workspacePath).path).toBe(first.path);
    first.release();
  });

  it('keeps a second app context out', () => {
    const workspacePath = join(tempDir('lock-context'), 'context.mpreid');
    const context = createAppContext(workspacePath);
    const holder = spawn('sleep', ['30']);
    children.push(holder);
    closeAppContext(context);
    writeLock(workspacePath, holder.pid!);

    expect(() => createAppContext(workspacePath)).toThrow(/open in another process/);
  });
});
