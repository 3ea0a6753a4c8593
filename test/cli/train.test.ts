import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkDukeSubset } from '../training/fixtures';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mpreid-cli-train-'));
const workspace = join(dir, 'train.mpreid');

function mpreid(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MPREID_LOG_STDERR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const datasetDir = linkDukeSubset(dir, { identities: 2, imagesPerIdentity: 2, queries: 2 });
  const imported = mpreid('import', '--workspace', workspace, '--dataset-dir', datasetDir, '--name', 'tiny', '--json');
  expect(imported.status, imported.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mpreid train arguments', () => {
  it('shows its options', () => {
    const result = mpreid('train', '--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: mpreid train');
    expect(result.stdout).toContain('--epochs VALUE');
  });

  it('names a missing preset', () => {
    const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Missing --preset');
  });

  it('rejects an unknown preset', () => {
    const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny', '--preset', 'everything');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--preset everything is not valid');
    expect(result.stderr).toContain('chat-vqa');
  });

  it('rejects invalid epochs', () => {
    for (const epochs of ['0', '2.5', 'ten', '501']) {
      const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny', '--preset', 'learnable', '--epochs', epochs);

      expect(result.status, epochs).toBe(1);
      expect(result.stderr, epochs).toContain(`--epochs ${epochs} is not valid`);
    }
  });

  it('lists datasets for an unknown one', () => {
    const result = mpreid('train', '--workspace', workspace, '--dataset', 'market', '--preset', 'learnable');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no dataset named or numbered "market"');
    expect(result.stderr).toContain('"tiny"');
  });

  it('asks for embeddings without a model', () => {
    const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny', '--preset', 'learnable');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No model has cached embeddings for dataset');
  });

  it('lists models for an unknown one', () => {
    const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny', '--preset', 'learnable', '--model', 'osnet');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no model named or numbered "osnet"');
  });
});
