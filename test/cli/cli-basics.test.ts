import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAppContext, createAppContext } from '../../main/app-context';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mpreid-cli-'));

function mpreid(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MPREID_LOG_STDERR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mpreid command line', () => {
  it('lists commands with --help', () => {
    const result = mpreid('--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('import');
    expect(result.stdout).toContain('evaluate');
  });

  it('shows options of each command', () => {
    for (const command of ['import', 'evaluate', 'call']) {
      const result = mpreid(command, '--help');

      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Usage: mpreid');
    }
  });

  it('fails on an unknown command', () => {
    const result = mpreid('frobnicate');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('fails on an unknown option', () => {
    const result = mpreid('import', '--bogus');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it('names a missing required option', () => {
    const result = mpreid('import', '--workspace', join(dir, 'a.mpreid'));

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Missing --dataset-dir');
  });

  it('calls an API method and prints JSON', () => {
    const workspace = join(dir, 'call.mpreid');
    closeAppContext(createAppContext(workspace));

    const result = mpreid('call', 'workspace.info', '--workspace', workspace, '--json');

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: workspace, schemaVersion: expect.any(Number) });
  });

  it('rejects invalid method input', () => {
    const workspace = join(dir, 'input.mpreid');
    closeAppContext(createAppContext(workspace));

    const result = mpreid('call', 'jobs.list', '--workspace', workspace, '--input', '{"limit":"many"}');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid input for jobs.list');
  });

  it('rejects a missing workspace without creating it', () => {
    const commands = [
      ['call', 'workspace.info'],
      ['call', 'datasets.list'],
      ['prompts', 'export', '--dataset', 'duke', '--out', join(dir, 'prompts.json')],
    ];
    for (const command of commands) {
      const missing = join(dir, 'nodir', 'x.mpreid');

      const result = mpreid(...command, '--workspace', missing);

      expect(result.status, command.join(' ')).toBe(1);
      expect(result.stderr, command.join(' ')).toContain(`Workspace ${missing} does not exist; check the path or import a dataset first.`);
      expect(existsSync(join(dir, 'nodir')), command.join(' ')).toBe(false);
    }
  });

  it('rejects a missing relative workspace', () => {
    const result = spawnSync(process.execPath, [cli, 'call', 'workspace.info', '--workspace', 'typo.mpreid'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MPREID_LOG_STDERR: '0' } });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Workspace ${join(dir, 'typo.mpreid')} does not exist`);
    expect(existsSync(join(dir, 'typo.mpreid'))).toBe(false);
  });

  it('rejects an unknown execution provider', () => {
    const result = mpreid('evaluate', '--dataset-dir', dir, '--model', join(dir, 'm.onnx'), '--execution-provider', 'tpu');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--execution-provider tpu is not valid');
  });
});
