import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../main/ml/mpreid/training-types';
import { codeVersion } from '../../main/training/code-version';
import { reduceSteps } from '../../main/training/run-views';

function step(stage: StepRecord['stage'], index: number, loss: number): StepRecord {
  return { stage, epoch: Math.ceil(index / 10), step: index, learningRate: index / 1000, losses: { loss } };
}

describe('loss curve reduction', () => {
  it('keeps short curves unchanged', () => {
    const steps = [step('stage1', 1, 3), step('stage1', 2, 2), step('stage2', 1, 5)];

    expect(reduceSteps(steps, 10)).toEqual(steps);
  });

  it('averages long stages into buckets', () => {
    const steps = Array.from({ length: 25 }, (_, index) => step('stage2', index + 1, index + 1));

    const reduced = reduceSteps(steps, 10);

    // 25 steps in buckets of ceil(25 / 10) = 3: eight full buckets and one of a single step.
    expect(reduced).toHaveLength(9);
    expect(reduced[0]).toEqual({ stage: 'stage2', epoch: 1, step: 3, learningRate: 0.002, losses: { loss: 2 } });
    expect(reduced[8]).toEqual(steps[24]);
  });

  it('reduces each stage on its own', () => {
    const steps = [...Array.from({ length: 4 }, (_, index) => step('stage1', index + 1, 1)), ...Array.from({ length: 40 }, (_, index) => step('stage2', index + 1, 2))];

    const reduced = reduceSteps(steps, 4);

    expect(reduced.filter((point) => point.stage === 'stage1')).toHaveLength(4);
    expect(reduced.filter((point) => point.stage === 'stage2')).toHaveLength(4);
  });
});

describe('code version', () => {
  const root = mkdtempSync(join(tmpdir(), 'mpreid-code-version-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the package and a loose ref', () => {
    const commit = 'a'.repeat(40);
    mkdirSync(join(root, '.git/refs/heads'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"version":"1.2.3"}');
    writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(root, '.git/refs/heads/main'), `${commit}\n`);

    expect(codeVersion(root)).toBe(`1.2.3+${commit}`);
  });

  it('reads a packed ref', () => {
    const commit = 'b'.repeat(40);
    rmSync(join(root, '.git/refs/heads/main'));
    writeFileSync(join(root, '.git/packed-refs'), `# pack-refs with: peeled\n${commit} refs/heads/main\n`);

    expect(codeVersion(root)).toBe(`1.2.3+${commit}`);
  });

  it('marks unreadable parts unknown', () => {
    expect(codeVersion(join(root, 'missing'))).toBe('unknown+unknown');
  });

  it('describes this repository', () => {
    expect(codeVersion()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{40}$/);
  });
});
