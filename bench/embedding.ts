import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ModelSummary } from '../main/api/schemas';
import type { Db } from '../main/db/workspace';
import { silentProgress } from '../main/jobs/progress';
import { defaultEmbeddingTuning, embedDataset, loadEmbeddings, preprocessImage, type EmbeddingTuning } from '../main/ml/embedding';
import { registerModel } from '../main/ml/models';
import { createSession, float32Tensor, startModuleWorker, type ModuleWorkerData } from '../main/ml/runtime';
import { dukeFileNames, dukeRoot, insertDukeImages, openTempWorkspace, osnetCard, osnetModelPath, type FixtureImage } from '../test/ml/embedding/fixtures';

/**
 * Embeds the DukeMTMC-reID query and gallery (19,889 images) with the OSNet
 * x0.25 file in a fresh temporary workspace and prints two JSON lines.
 * - `embedding` times the embedding job end to end, worker start included.
 *   Its `sessionRunOnlyImagesPerSecond` is the same workers running the
 *   model on one prepared tensor, the ceiling if decoding cost nothing.
 * - `embedding-baseline` times one session on the main thread with sharp and
 *   the original (denormal) weights, on the first 500 query images.
 * It also saves the features under .cache/bench/duke-osnet/ for the
 * evaluation benchmark. Flags: --workers, --intra-op-threads,
 * --images-per-request, --requests-per-worker, --limit (images per split),
 * --no-baseline.
 *
 * 450 images/s on 2 cores leaves 4.4 CPU ms per image at full use. On a
 * 2-core Xeon the model run alone takes about 2.5-2.8 ms (session-run-only
 * 740/s), the WebAssembly JPEG decode about 0.22 ms and the resample about
 * 0.47 ms. The job measured 3.9 CPU ms per image and 500 images/s. With
 * sharp's decode (0.64 ms, mostly libvips set-up and thread hand-off) it
 * measured 4.85 ms and 406 images/s.
 */

export const dukeOsnetFeaturesPath = resolve(import.meta.dirname, '../.cache/bench/duke-osnet');

export interface EmbeddingBenchmark {
  bench: 'embedding';
  images: number;
  seconds: number;
  imagesPerSecond: number;
  sessionRunOnlyImagesPerSecond: number;
  /** CPU time of all threads per embedded image: steadier than the rate when other processes share the cores. */
  cpuMillisecondsPerImage: number;
  /** Peak resident memory of this process, worker threads included, in MiB. */
  peakRssMiB: number;
  tuning: EmbeddingTuning;
}

export interface BaselineBenchmark {
  bench: 'embedding-baseline';
  images: number;
  seconds: number;
  imagesPerSecond: number;
  peakRssMiB: number;
}

/** Features of one Duke split, row-major, with the labels of each row. */
export interface SplitFeatures {
  features: Float32Array;
  names: string[];
  personIds: number[];
  cameraIds: number[];
}

export interface DukeOsnetFeatures {
  dimension: number;
  modelHash: string;
  query: SplitFeatures;
  gallery: SplitFeatures;
}

interface SavedIndex {
  dimension: number;
  modelHash: string;
  query: Omit<SplitFeatures, 'features'>;
  gallery: Omit<SplitFeatures, 'features'>;
}

/** Reads the features a previous benchmark run saved, or returns null when there are none. */
export function loadDukeOsnetFeatures(directory = dukeOsnetFeaturesPath): DukeOsnetFeatures | null {
  let index: SavedIndex;
  try {
    index = JSON.parse(readFileSync(join(directory, 'index.json'), 'utf8')) as SavedIndex;
  } catch {
    return null;
  }

  const readSplit = (name: 'query' | 'gallery'): SplitFeatures => {
    const bytes = readFileSync(join(directory, `${name}.f32`));
    const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { features, ...index[name] };
  };
  return { dimension: index.dimension, modelHash: index.modelHash, query: readSplit('query'), gallery: readSplit('gallery') };
}

export async function runEmbeddingBenchmark(options: { tuning?: Partial<EmbeddingTuning>; limit?: number } = {}): Promise<EmbeddingBenchmark> {
  const tuning = { ...defaultEmbeddingTuning('cpu'), ...options.tuning };
  const workspace = openTempWorkspace('mpreid-bench-embedding-');
  try {
    const model = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });
    const { datasetId, images } = await insertDukeImages(workspace.db, {
      query: dukeFileNames('query', options.limit),
      gallery: dukeFileNames('gallery', options.limit),
    });

    const cpuBefore = process.cpuUsage();
    const report = await embedDataset(workspace.db, { datasetId, modelId: model.modelId, executionProvider: 'cpu' }, silentProgress(), tuning);
    const cpu = process.cpuUsage(cpuBefore);
    saveFeatures(workspace.db, model, images);
    const sessionRunOnlyImagesPerSecond = await measureSessionRunOnly(tuning, join(dukeRoot, images[0].path));

    return {
      bench: 'embedding',
      images: report.embedded,
      seconds: round(report.seconds),
      imagesPerSecond: round(report.imagesPerSecond),
      sessionRunOnlyImagesPerSecond: round(sessionRunOnlyImagesPerSecond),
      cpuMillisecondsPerImage: round((cpu.user + cpu.system) / 1000 / report.embedded),
      peakRssMiB: peakRssMiB(),
      tuning,
    };
  } finally {
    workspace.dispose();
  }
}

/** Embeds query images with one session on the main thread, awaiting each decode and keeping the denormal weights: the plain pipeline. */
export async function runBaselineBenchmark(imageCount = 500): Promise<BaselineBenchmark> {
  const paths = dukeFileNames('query', imageCount).map((name) => join(dukeRoot, 'query', name));
  const session = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: 1, flushDenormals: false });

  const started = performance.now();
  for (const path of paths) {
    const input = await preprocessImage(path, osnetCard);
    await session.run({ images: float32Tensor(input, [1, 3, 256, 128]) });
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();

  return { bench: 'embedding-baseline', images: paths.length, seconds: round(seconds), imagesPerSecond: round(paths.length / seconds), peakRssMiB: peakRssMiB() };
}

function saveFeatures(db: Db, model: ModelSummary, images: FixtureImage[]): void {
  mkdirSync(dukeOsnetFeaturesPath, { recursive: true });
  const index: SavedIndex = { dimension: model.featureDimension, modelHash: model.contentHash } as SavedIndex;

  for (const split of ['query', 'gallery'] as const) {
    const splitImages = images.filter((image) => image.split === split);
    const { features } = loadEmbeddings(db, model.modelId, splitImages.map((image) => image.imageId));
    writeFileSync(join(dukeOsnetFeaturesPath, `${split}.f32`), new Uint8Array(features.buffer));
    index[split] = {
      names: splitImages.map((image) => image.path.split('/').pop()!),
      personIds: splitImages.map((image) => image.personId),
      cameraIds: splitImages.map((image) => image.cameraId),
    };
  }
  writeFileSync(join(dukeOsnetFeaturesPath, 'index.json'), JSON.stringify(index));
}

interface RunOnlySetup {
  imagePath: string;
  intraOpThreads: number;
  runs: number;
}

/** Runs the model in as many worker threads as the job uses, on one prepared image, and returns runs per second over all. */
async function measureSessionRunOnly(tuning: EmbeddingTuning, imagePath: string): Promise<number> {
  const runs = 1500;
  const setup: RunOnlySetup = { imagePath, intraOpThreads: tuning.intraOpThreads, runs };
  const workers = Array.from({ length: tuning.workers }, () => startModuleWorker(new URL(import.meta.url), setup));
  const seconds = await Promise.all(workers.map((worker) => new Promise<number>((done, fail) => worker.once('message', done).once('error', fail))));
  await Promise.all(workers.map((worker) => worker.terminate()));
  return (runs * workers.length) / Math.max(...seconds);
}

async function runOnlyInWorker(setup: RunOnlySetup): Promise<void> {
  const session = await createSession(osnetModelPath, { provider: 'cpu', intraOpThreads: setup.intraOpThreads });
  const input = float32Tensor(await preprocessImage(setup.imagePath, osnetCard), [1, 3, 256, 128]);
  for (let warmUp = 0; warmUp < 20; warmUp++) await session.run({ images: input });

  const started = performance.now();
  for (let run = 0; run < setup.runs; run++) await session.run({ images: input });
  parentPort!.postMessage((performance.now() - started) / 1000);
}

function peakRssMiB(): number {
  return round(process.resourceUsage().maxRSS / 1024);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string' },
      'intra-op-threads': { type: 'string' },
      'images-per-request': { type: 'string' },
      'requests-per-worker': { type: 'string' },
      limit: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
    },
  });
  const tuning: Partial<EmbeddingTuning> = {};
  if (values.workers) tuning.workers = Number(values.workers);
  if (values['intra-op-threads']) tuning.intraOpThreads = Number(values['intra-op-threads']);
  if (values['images-per-request']) tuning.imagesPerRequest = Number(values['images-per-request']);
  if (values['requests-per-worker']) tuning.requestsPerWorker = Number(values['requests-per-worker']);

  console.log(JSON.stringify(await runEmbeddingBenchmark({ tuning, limit: values.limit ? Number(values.limit) : undefined })));
  if (!values['no-baseline']) console.log(JSON.stringify(await runBaselineBenchmark()));
}

if (!isMainThread) {
  await runOnlyInWorker((workerData as ModuleWorkerData<RunOnlySetup>).data);
} else if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
