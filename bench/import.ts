import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importDataset } from '../main/datasets/import-dataset';
import { openWorkspace } from '../main/db/workspace';
import { silentProgress } from '../main/jobs/progress';

/**
 * Imports the whole DukeMTMC-reID folder with its attribute file into a fresh
 * temporary workspace and prints one JSON line. Files are read through the
 * page cache, so a second run measures hashing and parsing more than the disk.
 */

export interface ImportBenchmark {
  bench: 'import';
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** Peak resident memory of this process so far, in MiB. */
  peakRssMiB: number;
}

const dataRoot = resolve(import.meta.dirname, '../../shared/data');

export async function runImportBenchmark(): Promise<ImportBenchmark> {
  const workspaceDir = mkdtempSync(join(tmpdir(), 'mpreid-bench-import-'));
  try {
    const db = openWorkspace(join(workspaceDir, 'workspace.mpreid'));
    const started = performance.now();
    const report = await importDataset(
      db,
      { datasetDir: join(dataRoot, 'DukeMTMC-reID'), attributesFile: join(dataRoot, 'attributes', 'duke_attribute.mat') },
      silentProgress(),
    );
    const seconds = (performance.now() - started) / 1000;
    db.close();

    const images = report.splits.train.images + report.splits.query.images + report.splits.gallery.images;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    return { bench: 'import', images, seconds: round(seconds), imagesPerSecond: round(images / seconds), peakRssMiB: round(peakRssMiB) };
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(JSON.stringify(await runImportBenchmark()));
}
