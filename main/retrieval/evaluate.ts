import type { RetrievalFigures } from '../api/schemas';
import { ShapeError, ValidationError } from '../errors';
import { createLogger } from '../log';
import { forEachDistanceBlock } from './distance-blocks';
import { forEachDistanceBlockInWorker } from './distance-worker-client';
import { summarizeOutcomes } from './figures';
import { checkLabelledSet, type LabelledSet } from './labelled-set';
import { l2Normalize } from './normalize';
import { QueryRanker, type QueryOutcomes, type RankedItem } from './query-ranking';
import { prepareReranking, type Reranker } from './rerank';

export type { LabelledSet } from './labelled-set';

const log = createLogger('Retrieval');

export interface EvaluationOptions {
  dimension: number;
  /** Length of the CMC curve; default 50. */
  maxRank?: number;
  /** Number of lowest-AP queries to return in `perQuery`; default 20. */
  worstQueries?: number;
  /** Nearest gallery items listed for each of those queries; default 10. */
  topPerQuery?: number;
  /** Also compute k-reciprocal re-ranked figures (k1 = 20, k2 = 6, lambda = 0.3). */
  rerank?: boolean;
  /**
   * Whether a worker thread computes distance blocks while this thread ranks
   * the previous block (default true). With false, this thread computes and
   * ranks in turn and needs no worker.
   */
  distancesInWorker?: boolean;
  signal?: AbortSignal;
  /** Reports distance-matrix rows done: queries, plus query + gallery + queries again when re-ranking. */
  onProgress?(done: number, total: number): void;
}

export interface QueryDetail {
  queryIndex: number;
  averagePrecision: number;
  firstTrueMatchRank: number;
  trueMatches: number;
  /** Nearest valid gallery items by plain Euclidean distance between normalised features, junk removed. */
  top: RankedItem[];
}

export interface Evaluation {
  plain: RetrievalFigures;
  reranked: RetrievalFigures | null;
  validQueries: number;
  /** The `worstQueries` valid queries with the lowest plain AP, lowest first (ties by query index). */
  perQuery: QueryDetail[];
  /** Wall-clock seconds per step: normalize, plain, rerankPrepare, rerankRanking, total. */
  seconds: Record<string, number>;
}

/**
 * Evaluates query against gallery with the Market-1501/DukeMTMC-reID
 * protocol: Euclidean distance between L2-normalised features, gallery items
 * of the query's identity and camera removed, queries without a remaining
 * true match skipped, and mAP, mINP and CMC averaged over the valid queries.
 * Equal distances rank by ascending gallery index. The figures equal those of
 * sorting every distance row, but no row is sorted and the query x gallery
 * matrix is never held whole: it is computed in blocks of at most 16 MiB, a
 * worker thread computing the next blocks while this thread ranks one.
 * Throws CancelledError once `signal` is aborted, ShapeError or
 * ValidationError for malformed input, and ValidationError when no query has
 * a true match in another camera.
 */
export async function evaluate(query: LabelledSet, gallery: LabelledSet, options: EvaluationOptions): Promise<Evaluation> {
  const settings = checkOptions(options);
  const queryCount = checkLabelledSet(query, options.dimension, 'query');
  const galleryCount = checkLabelledSet(gallery, options.dimension, 'gallery');
  const progressTotal = options.rerank ? 2 * queryCount + (queryCount + galleryCount) : queryCount;
  const seconds: Record<string, number> = {};
  const started = performance.now();
  log.info('evaluation started', { queries: queryCount, gallery: galleryCount, rerank: Boolean(options.rerank) });

  let stepStarted = performance.now();
  const distancesInWorker = options.distancesInWorker ?? true;
  const run: RankingRun = {
    query,
    gallery,
    queryUnit: l2Normalize(query.features, options.dimension, { shared: distancesInWorker }),
    galleryUnit: l2Normalize(gallery.features, options.dimension, { shared: distancesInWorker }),
    dimension: options.dimension,
    distancesInWorker,
    signal: options.signal,
    reportProgress: (done) => options.onProgress?.(done, progressTotal),
  };
  seconds.normalize = elapsedSince(stepStarted);

  stepStarted = performance.now();
  const outcomes = await rankQueries(run, settings.worstQueries > 0 ? settings.topPerQuery : 0, null, 0);
  const { figures: plain, validQueries } = summarizeOutcomes(outcomes, settings.maxRank);
  seconds.plain = elapsedSince(stepStarted);

  const reranked = options.rerank ? await evaluateReranked(run, settings.maxRank, seconds) : null;

  seconds.total = elapsedSince(started);
  log.info('evaluation finished', { validQueries, mAP: plain.mAP, rank1: plain.rank1, rerankedMAP: reranked?.mAP ?? null, seconds: seconds.total });
  return { plain, reranked, validQueries, perQuery: selectWorstQueries(outcomes, settings.worstQueries), seconds };
}

interface RankingRun {
  query: LabelledSet;
  gallery: LabelledSet;
  queryUnit: Float32Array;
  galleryUnit: Float32Array;
  dimension: number;
  distancesInWorker: boolean;
  signal?: AbortSignal;
  /** Receives the number of distance-matrix rows done over all steps. */
  reportProgress(done: number): void;
}

/** Prepares k-reciprocal re-ranking, then ranks every query on the re-ranked distances. */
async function evaluateReranked(run: RankingRun, maxRank: number, seconds: Record<string, number>): Promise<RetrievalFigures> {
  const queryCount = run.query.personIds.length;

  let stepStarted = performance.now();
  const reranker = await prepareReranking(run.queryUnit, run.galleryUnit, run.dimension, {
    signal: run.signal,
    onProgress: (done) => run.reportProgress(queryCount + done),
  });
  seconds.rerankPrepare = elapsedSince(stepStarted);

  stepStarted = performance.now();
  const progressOffset = queryCount + reranker.queryCount + reranker.galleryCount;
  const outcomes = await rankQueries(run, 0, reranker, progressOffset);
  seconds.rerankRanking = elapsedSince(stepStarted);

  return summarizeOutcomes(outcomes, maxRank).figures;
}

/** Ranks every query, on plain squared distances or, with a reranker, on re-ranked distances. */
async function rankQueries(run: RankingRun, topPerQuery: number, reranker: Reranker | null, progressOffset: number): Promise<QueryOutcomes> {
  const queryCount = run.query.personIds.length;
  const toDistance = reranker ? (value: number) => value : (value: number) => Math.sqrt(Math.max(0, value));
  const ranker = new QueryRanker(run.gallery, queryCount, topPerQuery, toDistance);
  let rerankedValues = new Float32Array(0);
  let rerankedKeys = new Int32Array(0);

  const forEachBlock = run.distancesInWorker ? forEachDistanceBlockInWorker : forEachDistanceBlock;
  await forEachBlock(run.queryUnit, run.galleryUnit, run.dimension, {
    signal: run.signal,
    visit: (block) => {
      let values = block.squaredDistances;
      let keys = block.keys;
      if (reranker) {
        if (rerankedValues.length < values.length) {
          rerankedValues = new Float32Array(values.length);
          rerankedKeys = new Int32Array(rerankedValues.buffer);
        }
        reranker.combineRows(block.firstRow, block.rowCount, values, rerankedValues);
        values = rerankedValues;
        keys = rerankedKeys;
      }

      for (let row = 0; row < block.rowCount; row += 1) {
        const queryIndex = block.firstRow + row;
        const distanceRow = { values, keys, offset: row * block.columnCount };
        ranker.rankRow(queryIndex, run.query.personIds[queryIndex], run.query.cameraIds[queryIndex], distanceRow);
      }
      run.reportProgress(progressOffset + block.firstRow + block.rowCount);
    },
  });

  return ranker.outcomes;
}

function selectWorstQueries(outcomes: QueryOutcomes, count: number): QueryDetail[] {
  const valid: number[] = [];
  outcomes.firstTrueMatchRank.forEach((rank, queryIndex) => {
    if (rank > 0) valid.push(queryIndex);
  });
  valid.sort((a, b) => outcomes.averagePrecision[a] - outcomes.averagePrecision[b] || a - b);

  return valid.slice(0, count).map((queryIndex) => ({
    queryIndex,
    averagePrecision: outcomes.averagePrecision[queryIndex],
    firstTrueMatchRank: outcomes.firstTrueMatchRank[queryIndex],
    trueMatches: outcomes.trueMatches[queryIndex],
    top: outcomes.top[queryIndex],
  }));
}

function checkOptions(options: EvaluationOptions): { maxRank: number; worstQueries: number; topPerQuery: number } {
  const maxRank = options.maxRank ?? 50;
  const worstQueries = options.worstQueries ?? 20;
  const topPerQuery = options.topPerQuery ?? 10;
  for (const [name, value, minimum] of [['maxRank', maxRank, 1], ['worstQueries', worstQueries, 0], ['topPerQuery', topPerQuery, 0]] as const) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new ValidationError(`Evaluation option ${name} must be an integer of at least ${minimum}, got ${value}.`);
    }
  }
  if (!Number.isInteger(options.dimension) || options.dimension < 1) {
    throw new ShapeError(`The feature dimension must be a positive integer, got ${options.dimension}.`);
  }
  return { maxRank, worstQueries, topPerQuery };
}

function elapsedSince(start: number): number {
  return (performance.now() - start) / 1000;
}
