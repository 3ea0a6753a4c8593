import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../main/app-context';
import { linkDukeSubset, openTrainingWorkspace, vocabularyPath } from '../training/fixtures';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mpreid-cli-train-'));
const workspace = join(dir, 'train.mpreid');

function mpreid(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MPREID_LOG_STDERR: '0', MPREID_CLIP_VOCAB: vocabularyPath } });
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

describe('mpreid train run', () => {
  let trainingDir: string;

  beforeAll(async () => {
    // The presets batch 16 identities, so the subset needs at least that many.
    const workspace = await openTrainingWorkspace(['train', 'query', 'gallery'], { identities: 16, imagesPerIdentity: 4, queries: 8 });
    closeAppContext(workspace.context);
    trainingDir = workspace.dir;
  }, 120_000);

  afterAll(() => rmSync(trainingDir, { recursive: true, force: true }));

  it('prints figures of a finished run', () => {
    const result = mpreid('train', '--workspace', join(trainingDir, 'training.mpreid'), '--dataset', 'duke-subset', '--preset', 'learnable', '--model', 'osnet_x0_25_msmt17', '--epochs', '1', '--json');

    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.runId).toBe(1);
    expect(output.preset).toBe('learnable');
    expect(output.figures.mAP).toBeGreaterThan(0);
    expect(output.figures.cmc).toBeUndefined();
    expect(output.baseline.rank1).toBeGreaterThan(0);
    expect(output.oracle).toBe(false);
    expect(output.searchModelId).toBe(2);
    expect(result.stderr).toMatch(/train stage2 .*epoch 1\/1, loss \d/);
  });
});
