import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `npm run bench [-- NAME ...]`: runs each benchmark in its own process, so the
 * peak memory that a benchmark prints is its own, and prints their JSON lines.
 * Benchmarks read the real data in ../shared/data next to the checkout.
 */

const benchmarks = ['import', 'embedding', 'evaluation', 'training', 'training-proof', 'attribute-heads', 'ablation'] as const;

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !benchmarks.includes(name as (typeof benchmarks)[number]));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; choose from ${benchmarks.join(', ')}.`);
  process.exit(1);
}

let failures = 0;
for (const name of requested.length ? requested : benchmarks) {
  const file = resolve(import.meta.dirname, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`Benchmark ${name} is missing at ${file}.`);
    failures++;
    continue;
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', env: { ...process.env, MPREID_LOG_STDERR: '0' } });
  if (result.status !== 0) {
    console.error(`Benchmark ${name} failed with exit status ${result.status}.`);
    failures++;
  }
}
process.exit(failures ? 1 : 0);
