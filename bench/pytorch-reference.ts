import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/**
 * Runs bench/pytorch/transformer_head.py, the same transformer head step in
 * PyTorch, so that the training benchmark prints both times from one run.
 * Debian's python3-torch serves for this; without libopenblas0-openmp it falls
 * back to the reference BLAS and took about 20 times longer on the 2-core Xeon.
 */

const script = resolve(import.meta.dirname, 'pytorch/transformer_head.py');

/** Interpreters tried in order: $MPREID_BENCH_PYTHON, then the one on PATH, then Debian's. */
function pythonCandidates(): string[] {
  const fromEnvironment = process.env.MPREID_BENCH_PYTHON;
  return [...(fromEnvironment ? [fromEnvironment] : []), 'python3', '/usr/bin/python3'];
}

export interface PytorchStep {
  tokens: number;
  msPerStep: number;
  threads: number;
  torch: string;
  python: string;
}

export type PytorchReference = { steps: PytorchStep[] } | { skipped: string };

/** Measures PyTorch's ms per step for each token count, or returns the reason it was skipped. */
export function measurePytorchHead(tokenCounts: readonly number[], steps = 20): PytorchReference {
  const python = pythonCandidates().find(hasTorch);
  if (!python) {
    return { skipped: `No Python with PyTorch found (tried ${pythonCandidates().join(', ')}). Install Debian's python3-torch and libopenblas0-openmp, or set MPREID_BENCH_PYTHON.` };
  }

  const threads = String(availableParallelism());
  const args = [script, '--tokens', ...tokenCounts.map(String), '--steps', String(steps), '--threads', threads];
  const run = spawnSync(python, args, { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) return { skipped: `${python} ${script} failed with exit code ${run.status}: ${(run.stderr ?? '').trim().split('\n').pop()}` };

  const lines = run.stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  return { steps: lines.map((line) => ({ ...(JSON.parse(line) as Omit<PytorchStep, 'python'>), python })) };
}

function hasTorch(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  return probe.status === 0;
}
