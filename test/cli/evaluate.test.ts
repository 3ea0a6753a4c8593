import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const duke = resolve(import.meta.dirname, '../../../shared/data/DukeMTMC-reID');
const model = resolve(import.meta.dirname, '../../../shared/data/models/osnet_x0_25_msmt17.onnx');
let dir: string;

function mpreid(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MPREID_LOG_STDERR: '0' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Links the first queries of the real Duke set and their identities' gallery images, plus other gallery images as distractors. */
function linkDukeSubset(target: string, queryCount: number, extraGallery: number): void {
  mkdirSync(join(target, 'query'), { recursive: true });
  mkdirSync(join(target, 'bounding_box_test'));
  const queries = readdirSync(join(duke, 'query')).sort().slice(0, queryCount);
  const people = new Set(queries.map((name) => name.slice(0, 4)));
  const gallery = readdirSync(join(duke, 'bounding_box_test')).sort();
  const chosen = new Set([...gallery.filter((name) => people.has(name.slice(0, 4))), ...gallery.slice(-extraGallery)]);

  for (const name of queries) symlinkSync(join(duke, 'query', name), join(target, 'query', name));
  for (const name of chosen) symlinkSync(join(duke, 'bounding_box_test', name), join(target, 'bounding_box_test', name));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-cli-evaluate-'));
  linkDukeSubset(join(dir, 'duke-subset'), 24, 80);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mpreid evaluate', () => {
  it('prints figures for a real Duke subset', () => {
    const result = mpreid('evaluate', '--dataset-dir', join(dir, 'duke-subset'), '--model', model, '--json');

    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.queries).toBe(24);
    expect(output.gallery).toBeGreaterThan(80);
    for (const figure of ['mAP', 'rank1', 'rank5', 'rank10', 'mINP']) {
      expect(output[figure]).toBeGreaterThan(0);
      expect(output[figure]).toBeLessThanOrEqual(1);
    }
    expect(output.rank5).toBeGreaterThanOrEqual(output.rank1);
    expect(output.executionProvider).toBe('cpu');
    expect(Object.keys(output.seconds)).toEqual(expect.arrayContaining(['import', 'embed', 'evaluate']));
  });

  it('reuses a named workspace without embedding again', () => {
    const workspace = join(dir, 'reuse.mpreid');
    const args = ['evaluate', '--dataset-dir', join(dir, 'duke-subset'), '--model', model, '--workspace', workspace, '--json'];

    const first = JSON.parse(mpreid(...args).stdout);
    const second = JSON.parse(mpreid(...args).stdout);

    expect(first.embedding.embedded).toBeGreaterThan(0);
    expect(second.embedding.embedded).toBe(0);
    expect(second.mAP).toBe(first.mAP);
  });

  it('fails on a folder that is not a dataset', () => {
    const result = mpreid('evaluate', '--dataset-dir', dir, '--model', model, '--json');

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('bounding_box_test');
    expect(result.stdout).toBe('');
  });

  it('fails clearly when CUDA is requested here', () => {
    const result = mpreid('evaluate', '--dataset-dir', join(dir, 'duke-subset'), '--model', model, '--execution-provider', 'cuda');

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/CUDA execution provider is not available/);
  });
});
