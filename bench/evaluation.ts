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
 * - `evaluation`: the plain protocol, best wall time of 3 runs, with the CPU
 *   seconds of that run (steadier than wall time when other processes share
 *   the cores);
 * - `evaluation-reference`: a full sort of every distance row, the way
 *   common Python evaluators rank, on the same distances, and whether its
 *   figures equal those of `evaluate`;
 * - `evaluation-rerank`: one run with k-reciprocal re-ranking.
 * The features come from the test helper's cache, so the first run embeds
 * 19,889 images (about 5 minutes on 2 cores) before timing anything.
 */

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
  seconds: number;
  cpuSeconds: number;
  allSeconds: number[];
  stepSeconds: Record<string, number>;
  peakRssMiB: number;
}

export interface ReferenceBenchmark {
  bench: 'evaluation-reference';
  seconds: number;
  /** Reference seconds divided by the best `evaluate` seconds. */
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

export async function runEvaluationBenchmark(): Promise<[EvaluationBenchmark, ReferenceBenchmark, RerankBenchmark]> {
  const { query, gallery } = await loadDukeTestSplit();
  const options = { dimension: osnetDimension, maxRank: 50 };

  const runs: { evaluation: Evaluation; seconds: number; cpuSeconds: number }[] = [];
  for (let run = 0; run < 3; run += 1) runs.push(await timed(() => evaluate(query, gallery, options)));
  const best = runs.reduce((fastest, run) => (run.seconds < fastest.seconds ? run : fastest));
  const plain: EvaluationBenchmark = {
    bench: 'evaluation',
    queries: query.personIds.length,
    gallery: gallery.personIds.length,
    validQueries: best.evaluation.validQueries,
    seconds: round(best.seconds),
    cpuSeconds: round(best.cpuSeconds),
    allSeconds: runs.map((run) => round(run.seconds)),
    stepSeconds: roundAll(best.evaluation.seconds),
    ...figureFields(best.evaluation.plain),
    peakRssMiB: peakRssMiB(),
  };

  const reference = await timed(() => fullSortFigures(query, gallery, options.maxRank));
  const referenceLine: ReferenceBenchmark = {
    bench: 'evaluation-reference',
    seconds: round(reference.seconds),
    ratio: round(reference.seconds / best.seconds),
    matchesEvaluate: JSON.stringify(reference.evaluation) === JSON.stringify(best.evaluation.plain),
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
