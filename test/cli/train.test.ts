import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../main/app-context';
import { linkDukeSubset, openTrainingWorkspace, vocabularyPath } from '../training/fixtures';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mpreid-cli-train-'));
const workspace = join(dir, 'train.mpreid');

const cliEnv = { ...process.env, MPREID_LOG_STDERR: '0', MPREID_CLIP_VOCAB: vocabularyPath };

function mpreid(...args: string[]) {
  return mpreidWithEnv(cliEnv, ...args);
}

function mpreidWithEnv(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the command line, sends SIGTERM once stderr matches `ready`, and resolves with how it ended. */
function interruptMpreid(ready: RegExp, ...args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: cliEnv });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const wasReady = ready.test(stderr);
    stderr += chunk;
    if (!wasReady && ready.test(stderr)) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stderr })));
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
    for (const option of ['--identities-per-batch', '--images-per-identity', '--steps-per-epoch', '--stage1-epochs', '--learning-rate', '--seed', '--name', '--resume']) {
      expect(result.stdout).toContain(`${option} VALUE`);
    }
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

  it('rejects invalid schedule options', () => {
    const cases = [
      ['--identities-per-batch', '1'],
      ['--identities-per-batch', '300'],
      ['--images-per-identity', '0'],
      ['--images-per-identity', '2.5'],
      ['--steps-per-epoch', '0'],
      ['--stage1-epochs', '-1'],
      ['--stage1-epochs', 'two'],
      ['--learning-rate', '0'],
      ['--learning-rate', '2'],
      ['--learning-rate', 'fast'],
      ['--seed', '-3'],
      ['--seed', '1e3'],
    ];
    for (const [option, value] of cases) {
      // The = form passes values that start with a dash.
      const result = mpreid('train', '--workspace', workspace, '--dataset', 'tiny', '--preset', 'learnable', `${option}=${value}`);

      expect(result.status, `${option} ${value}`).toBe(1);
      expect(result.stderr, `${option} ${value}`).toContain(`${option} ${value} is not valid`);
    }
  });

  it('rejects --resume with run settings', () => {
    const result = mpreid('train', '--workspace', workspace, '--resume', '1', '--preset', 'learnable');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--resume');
    expect(result.stderr).toContain('--preset');
  });

  it('rejects a missing workspace without creating it', () => {
    const missing = join(dir, 'nodir', 'x.mpreid');

    const result = mpreid('train', '--workspace', missing, '--dataset', 'tiny', '--preset', 'learnable');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Workspace ${missing} does not exist`);
    expect(existsSync(join(dir, 'nodir'))).toBe(false);
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

  const trainingWorkspace = () => join(trainingDir, 'training.mpreid');

  it('prints figures of a finished run', () => {
    // Logs on stderr stay enabled here, so that log lines from the training worker would show.
    const env = { ...cliEnv, MPREID_LOG_STDERR: '1' };
    const result = mpreidWithEnv(env, 'train', '--workspace', trainingWorkspace(), '--dataset', 'duke-subset', '--preset', 'learnable', '--model', 'osnet_x0_25_msmt17', '--epochs', '1', '--json');

    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.runId).toBe(1);
    expect(output.preset).toBe('learnable');
    expect(output.name).toMatch(/^learnable \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(output.figures.mAP).toBeGreaterThan(0);
    expect(output.figures.cmc).toBeUndefined();
    expect(output.baseline.rank1).toBeGreaterThan(0);
    expect(output.oracle).toBe(false);
    expect(output.searchModelId).toBe(2);
    expect(result.stderr).toMatch(/train stage2 .*epoch 1\/1, loss \d/);
    expect(result.stderr).not.toContain(' INFO ');
  });

  it('defaults to the frozen model after a run', () => {
    const schedule = ['--identities-per-batch', '8', '--images-per-identity', '2', '--steps-per-epoch', '2', '--stage1-epochs', '0', '--learning-rate', '0.001', '--seed', '7'];

    const result = mpreid('train', '--workspace', trainingWorkspace(), '--dataset', 'duke-subset', '--preset', 'learnable', '--epochs', '1', '--name', 'small batches', ...schedule, '--json');

    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.imageModelId).toBe(1);
    expect(output.name).toBe('small batches');
    const run = JSON.parse(mpreid('call', 'training.get', '--workspace', trainingWorkspace(), '--input', JSON.stringify({ runId: output.runId }), '--json').stdout);
    expect(run.config.identitiesPerBatch).toBe(8);
    expect(run.config.imagesPerIdentity).toBe(2);
    expect(run.config.stepsPerEpoch).toBe(2);
    expect(run.config.stage1Epochs).toBe(0);
    expect(run.config.learningRate).toBe(0.001);
    expect(run.config.seed).toBe(7);
  });

  it('names the option for a too large batch', () => {
    const result = mpreid('train', '--workspace', trainingWorkspace(), '--dataset', 'duke-subset', '--preset', 'learnable', '--identities-per-batch', '20');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--identities-per-batch 16');
  });

  it('names the vocabulary settings for call', () => {
    const env = { ...cliEnv, MPREID_CLIP_VOCAB: '' };
    const input = JSON.stringify({ datasetId: 1, imageModelId: 1, preset: 'learnable' });

    const result = mpreidWithEnv(env, 'call', 'training.start', '--workspace', trainingWorkspace(), '--input', input);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MPREID_CLIP_VOCAB');
    expect(result.stderr).toContain('vocabularyPath');
    expect(result.stderr).not.toContain('--vocab');
  });

  it('call training.start waits for the run', () => {
    const overrides = { stage1Epochs: 0, stage2Epochs: 1, stepsPerEpoch: 2 };
    const input = JSON.stringify({ datasetId: 1, imageModelId: 1, preset: 'learnable', name: 'called', overrides });

    const result = mpreid('call', 'training.start', '--workspace', trainingWorkspace(), '--input', input, '--json');

    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.name).toBe('called');
    expect(output.status).toBe('succeeded');
    expect(output.epochsDone).toBe(1);
    expect(output.figures.mAP).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/train stage2 .*epoch 1\/1/);
  });

  it('SIGTERM cancels and call resumes', async () => {
    const args = ['--dataset', 'duke-subset', '--preset', 'learnable', '--stage1-epochs', '0', '--epochs', '3', '--steps-per-epoch', '2', '--name', 'interrupted'];

    const interrupted = await interruptMpreid(/train prepare/, 'train', '--workspace', trainingWorkspace(), ...args);

    expect(interrupted.signal).toBeNull();
    expect(interrupted.status).toBe(1);
    const runId = Number(/--resume (\d+)/.exec(interrupted.stderr)?.[1]);
    expect(runId, interrupted.stderr).toBeGreaterThan(0);
    const stopped = JSON.parse(mpreid('call', 'training.get', '--workspace', trainingWorkspace(), '--input', JSON.stringify({ runId }), '--json').stdout);
    expect(stopped.status).toBe('cancelled');

    const resumed = mpreid('call', 'training.resume', '--workspace', trainingWorkspace(), '--input', JSON.stringify({ runId }), '--json');

    expect(resumed.status, resumed.stderr).toBe(0);
    const output = JSON.parse(resumed.stdout);
    expect(output.status).toBe('succeeded');
    expect(output.epochsDone).toBe(3);
  });

  it('train --resume continues a cancelled run', async () => {
    const args = ['--dataset', 'duke-subset', '--preset', 'learnable', '--stage1-epochs', '0', '--epochs', '2', '--steps-per-epoch', '2'];
    const interrupted = await interruptMpreid(/train prepare/, 'train', '--workspace', trainingWorkspace(), ...args);
    const runId = Number(/--resume (\d+)/.exec(interrupted.stderr)?.[1]);
    expect(runId, interrupted.stderr).toBeGreaterThan(0);

    const resumed = mpreid('train', '--workspace', trainingWorkspace(), '--resume', String(runId), '--json');

    expect(resumed.status, resumed.stderr).toBe(0);
    const output = JSON.parse(resumed.stdout);
    expect(output.runId).toBe(runId);
    expect(output.epochs).toBe(2);
    expect(output.figures.mAP).toBeGreaterThan(0);
    expect(resumed.stderr).toMatch(/train stage2 .*epoch 2\/2/);
  });

  it('train --resume rejects a succeeded run', () => {
    const result = mpreid('train', '--workspace', trainingWorkspace(), '--resume', '1');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('already succeeded');
  });
});
