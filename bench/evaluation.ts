import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RetrievalFigures } from '../main/api/schemas';
import { forEachDistanceBlock } from '../main/retrieval/distance-blocks';
import { evaluate, type Evaluation } from '../main/retrieval/evaluate';
import type { LabelledSet } from '../main/retrieval/labelled-set';
import { l2Normalize } from '../main/retrieval/normalize';
import { computeDukeFeatures, listDukeImages, osnetDimension, toLabelledSet } from '../test/helpers/duke-features';

/**
 * Times `evaluate` on the whole DukeMTMC-reID test split (2,228 queries x
 * 17,661 gallery images) with OSNet x0.25 (MSMT17) features and prints JSON
 * lines:
 * - `evaluation`: the plain protocol with distance blocks computed on a
 *   worker thread (the default) beside the same evaluation computed and
 *   ranked in turn on the main thread, run alternately in one process. Other
 *   processes on the same cores shift both paths alike, so the medians and
 *   their ratio are steadier than single timings. CPU seconds count every
 *   thread of the process;
 * - `evaluation-reference`: a full sort of every distance row, the way
 *   common Python evaluators rank, on the same distances, and whether its
 *   figures equal those of `evaluate`;
 * - `evaluation-rerank`: one run with k-reciprocal re-ranking.
 * The features come from the test helper's cache, so the first run embeds
 * 19,889 images (about 5 minutes on 2 cores) before timing anything.
 */

/** Timed runs of each path, after one untimed run of each that loads the sessions and starts the worker. */
const repetitions = 7;

interface FigureFields {
  mAP: number;
  rank1: number;
  rank5: number;
  rank10: number;
  rank20: number;
  mINP: number;
}

export interface EvaluationBenchmark extends FigureFields {
  bench: 'evaluation';
  queries: number;
  gallery: number;
  validQueries: number;
  /** Median wall seconds with distance blocks computed on the worker thread. */
  seconds: number;
  cpuSeconds: number;
  allSeconds: number[];
  /** Median wall seconds with blocks computed and ranked in turn on the main thread. */
  mainThreadSeconds: number;
  mainThreadCpuSeconds: number;
  mainThreadAllSeconds: number[];
  /** mainThreadSeconds divided by seconds. */
  speedup: number;
  /** Whether both paths gave identical figures in every run. */
  pathsAgree: boolean;
  /** Step seconds of the worker run with the median time. */
  stepSeconds: Record<string, number>;
  peakRssMiB: number;
}

export interface ReferenceBenchmark {
  bench: 'evaluation-reference';
  seconds: number;
  /** Reference seconds divided by the median `evaluate` seconds. */
  ratio: number;
  matchesEvaluate: boolean;
  peakRssMiB: number;
}

export interface RerankBenchmark extends FigureFields {
  bench: 'evaluation-rerank';
  seconds: number;
  prepareSeconds: number;
  rankingSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

type TimedEvaluation = { evaluation: Evaluation; seconds: number; cpuSeconds: number };

export async function runEvaluationBenchmark(): Promise<[EvaluationBenchmark, ReferenceBenchmark, RerankBenchmark]> {
  const { query, gallery } = await loadDukeTestSplit();
  const options = { dimension: osnetDimension, maxRank: 50 };
  const runPath = (distancesInWorker: boolean) => timed(() => evaluate(query, gallery, { ...options, distancesInWorker }));

  await runPath(true);
  await runPath(false);
  const inWorker: TimedEvaluation[] = [];
  const onMainThread: TimedEvaluation[] = [];
  for (let run = 0; run < repetitions; run += 1) {
    // Alternating which path goes first keeps a slow start or end of the series from favouring one.
    if (run % 2 === 0) inWorker.push(await runPath(true));
    onMainThread.push(await runPath(false));
    if (run % 2 === 1) inWorker.push(await runPath(true));
  }

  const median = medianRun(inWorker);
  const mainThreadMedian = medianRun(onMainThread);
  const figuresOf = (run: TimedEvaluation) => JSON.stringify(run.evaluation.plain);
  const plain: EvaluationBenchmark = {
    bench: 'evaluation',
    queries: query.personIds.length,
    gallery: gallery.personIds.length,
    validQueries: median.evaluation.validQueries,
    seconds: round(median.seconds),
    cpuSeconds: round(median.cpuSeconds),
    allSeconds: inWorker.map((run) => round(run.seconds)),
    mainThreadSeconds: round(mainThreadMedian.seconds),
    mainThreadCpuSeconds: round(mainThreadMedian.cpuSeconds),
    mainThreadAllSeconds: onMainThread.map((run) => round(run.seconds)),
    speedup: round(mainThreadMedian.seconds / median.seconds),
    pathsAgree: [...inWorker, ...onMainThread].every((run) => figuresOf(run) === figuresOf(median)),
    stepSeconds: roundAll(median.evaluation.seconds),
    ...figureFields(median.evaluation.plain),
    peakRssMiB: peakRssMiB(),
  };

  const reference = await timed(() => fullSortFigures(query, gallery, options.maxRank));
  const referenceLine: ReferenceBenchmark = {
    bench: 'evaluation-reference',
    seconds: round(reference.seconds),
    ratio: round(reference.seconds / median.seconds),
    matchesEvaluate: JSON.stringify(reference.evaluation) === figuresOf(median),
    peakRssMiB: peakRssMiB(),
  };

  const reranked = await timed(() => evaluate(query, gallery, { ...options, rerank: true, worstQueries: 0 }));
  const rerankLine: RerankBenchmark = {
    bench: 'evaluation-rerank',
    seconds: round(reranked.seconds),
    prepareSeconds: round(reranked.evaluation.seconds.rerankPrepare),
    rankingSeconds: round(reranked.evaluation.seconds.rerankRanking),
    cpuSeconds: round(reranked.cpuSeconds),
    ...figureFields(reranked.evaluation.reranked!),
    peakRssMiB: peakRssMiB(),
  };

  return [plain, referenceLine, rerankLine];
}

/** Returns the run with the median wall time (the upper median for an even count). */
function medianRun(runs: TimedEvaluation[]): TimedEvaluation {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)];
}

async function loadDukeTestSplit(): Promise<{ query: LabelledSet; gallery: LabelledSet }> {
  const queryImages = listDukeImages('query');
  const galleryImages = listDukeImages('bounding_box_test');
  const reportEmbedding = (done: number, total: number) => console.error(`embedding Duke images for the feature cache: ${done}/${total}`);
  return {
    query: toLabelledSet(queryImages, await computeDukeFeatures(queryImages, reportEmbedding)),
    gallery: toLabelledSet(galleryImages, await computeDukeFeatures(galleryImages, reportEmbedding)),
  };
}

/**
 * Reference evaluator: the same squared distances, but every row is fully
 * sorted and walked. Each (distance, index) pair is packed into one float64
 * (int32 key x 2^15 + index, exact below 2^53) so the native numeric sort
 * orders by distance and then by gallery index, as `evaluate` does.
 */
async function fullSortFigures(query: LabelledSet, gallery: LabelledSet, maxRank: number): Promise<RetrievalFigures> {
  const galleryCount = gallery.personIds.length;
  if (galleryCount > 2 ** 15) throw new Error(`The reference packs gallery indices into 15 bits, so it cannot rank ${galleryCount} images.`);
  const packed = new Float64Array(galleryCount);
  const totals = { valid: 0, precision: 0, penalty: 0, firstRanks: [] as number[] };

  await forEachDistanceBlock(l2Normalize(query.features, osnetDimension), l2Normalize(gallery.features, osnetDimension), osnetDimension, {
    visit: (block) => {
      for (let row = 0; row < block.rowCount; row += 1) {
        for (let g = 0; g < galleryCount; g += 1) packed[g] = block.keys[row * galleryCount + g] * 2 ** 15 + g;
        packed.sort();
        addQueryFigures(totals, packed, block.firstRow + row, query, gallery);
      }
    },
  });

  const cmc = Array.from({ length: maxRank }, (_, k) => totals.firstRanks.filter((rank) => rank <= k + 1).length / totals.valid);
  const rankAt = (k: number) => totals.firstRanks.filter((rank) => rank <= k).length / totals.valid;
  return { mAP: totals.precision / totals.valid, rank1: rankAt(1), rank5: rankAt(5), rank10: rankAt(10), rank20: rankAt(20), mINP: totals.penalty / totals.valid, cmc };
}

function addQueryFigures(
  totals: { valid: number; precision: number; penalty: number; firstRanks: number[] },
  sorted: Float64Array,
  queryIndex: number,
  query: LabelledSet,
  gallery: LabelledSet,
): void {
  const personId = query.personIds[queryIndex];
  const cameraId = query.cameraIds[queryIndex];
  const trueRanks: number[] = [];
  let rank = 0;
  for (const value of sorted) {
    const g = value % 2 ** 15;
    if (gallery.personIds[g] === personId && gallery.cameraIds[g] === cameraId) continue;
    rank += 1;
    if (gallery.personIds[g] === personId) trueRanks.push(rank);
  }
  if (trueRanks.length === 0) return;

  totals.valid += 1;
  totals.precision += trueRanks.reduce((sum, trueRank, found) => sum + (found + 1) / trueRank, 0) / trueRanks.length;
  totals.penalty += trueRanks.length / trueRanks[trueRanks.length - 1];
  totals.firstRanks.push(trueRanks[0]);
}

async function timed<T>(work: () => Promise<T>): Promise<{ evaluation: T; seconds: number; cpuSeconds: number }> {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const evaluation = await work();
  const cpu = process.cpuUsage(cpuStart);
  return { evaluation, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function figureFields(figures: RetrievalFigures): FigureFields {
  const { mAP, rank1, rank5, rank10, rank20, mINP } = figures;
  return { mAP: round(mAP, 4), rank1: round(rank1, 4), rank5: round(rank5, 4), rank10: round(rank10, 4), rank20: round(rank20, 4), mINP: round(mINP, 4) };
}

/** Peak resident memory of this process in MiB; maxRSS is in KiB. */
function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function roundAll(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, round(value)]));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const line of await runEvaluationBenchmark()) console.log(JSON.stringify(line));
}
