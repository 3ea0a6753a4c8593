// Worker-thread entry that can load a TypeScript module. Node 20 does not pass
// tsx's loader hooks to worker threads, so this file registers tsx itself when
// the target module is a .ts file (tests, benchmarks and `npx tsx` runs).
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}

await import(workerData.entry);
