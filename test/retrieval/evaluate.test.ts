import { describe, expect, it } from 'vitest';
import { retrievalFiguresSchema } from '../../main/api/schemas';
import { CancelledError, ShapeError, ValidationError } from '../../main/errors';
import { evaluate } from '../../main/retrieval/evaluate';
import { squaredEuclidean } from '../../main/retrieval/euclidean';
import { l2Normalize } from '../../main/retrieval/normalize';
import { bruteForceFigures, denseSquaredDistances } from './brute-force';
import { arcFeatures, clusteredSet, labelled, queriesAtOrigin, seededRandom } from './fixtures';

describe('evaluate', () => {
  it('AP, mINP and CMC by hand', async () => {
    // Gallery in distance order from the query: false, true, false, junk, true, distractor.
    const gallery = labelled(arcFeatures(6), [[2, 1], [1, 2], [3, 1], [1, 1], [1, 3], [0, 2]]);
    const query = queriesAtOrigin([[1, 1]]);

    const result = await evaluate(query, gallery, { dimension: 2, maxRank: 5 });

    // The junk item (same person, same camera) is removed, so the true matches rank 2 and 4.
    expect(result.validQueries).toBe(1);
    expect(result.plain.mAP).toBeCloseTo((1 / 2 + 2 / 4) / 2, 12);
    expect(result.plain.mINP).toBeCloseTo(2 / 4, 12);
    expect(result.plain.rank1).toBe(0);
    expect(result.plain.rank5).toBe(1);
    expect(result.plain.cmc).toEqual([0, 1, 1, 1, 1]);
    expect(retrievalFiguresSchema.safeParse(result.plain).success).toBe(true);
  });

  it('averages over valid queries only', async () => {
    const gallery = labelled(arcFeatures(4), [[2, 1], [1, 2], [5, 1], [1, 3]]);
    // Person 5 is only seen by camera 1 in the gallery, so the query from camera 1 is skipped.
    const query = queriesAtOrigin([[1, 1], [2, 3], [5, 1]]);

    const result = await evaluate(query, gallery, { dimension: 2, maxRank: 4 });

    // Query 0: ranked list false, true, false, true, so AP = (1/2 + 2/4) / 2 and INP = 2/4.
    // Query 1: its only true match ranks first, so AP = INP = 1.
    expect(result.validQueries).toBe(2);
    expect(result.plain.mAP).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(result.plain.mINP).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(result.plain.rank1).toBeCloseTo(1 / 2, 12);
    expect(result.plain.cmc).toEqual([0.5, 1, 1, 1]);
  });

  it('skipped query when matches share its camera', async () => {
    const gallery = labelled(arcFeatures(3), [[7, 4], [7, 4], [8, 1]]);
    const query = queriesAtOrigin([[7, 4]]);

    await expect(evaluate(query, gallery, { dimension: 2 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('distractors count as false matches', async () => {
    const gallery = labelled(arcFeatures(3), [[0, 1], [0, 2], [4, 2]]);
    const query = queriesAtOrigin([[4, 1]]);

    const result = await evaluate(query, gallery, { dimension: 2 });

    // Two distractors come first, so the only true match ranks 3: AP = 1/3, INP = 1/3.
    expect(result.plain.mAP).toBeCloseTo(1 / 3, 12);
    expect(result.plain.mINP).toBeCloseTo(1 / 3, 12);
    expect(result.perQuery[0].firstTrueMatchRank).toBe(3);
  });

  it('equal distances rank by gallery index', async () => {
    // Rows 0 and 1 share one feature, so their distances to the query are equal.
    const features = new Float32Array([0.6, 0.8, 0.6, 0.8, 0, 1]);
    const query = queriesAtOrigin([[1, 1]]);

    const falseFirst = await evaluate(query, labelled(features, [[2, 2], [1, 2], [3, 2]]), { dimension: 2 });
    const trueFirst = await evaluate(query, labelled(features, [[1, 2], [2, 2], [3, 2]]), { dimension: 2 });

    expect(falseFirst.plain.mAP).toBeCloseTo(1 / 2, 12);
    expect(trueFirst.plain.mAP).toBe(1);
  });

  it('worst queries with their top lists', async () => {
    const gallery = labelled(arcFeatures(5), [[1, 2], [2, 1], [3, 3], [2, 2], [1, 1]]);
    const query = queriesAtOrigin([[1, 1], [2, 3], [3, 1]]);

    const result = await evaluate(query, gallery, { dimension: 2, worstQueries: 2, topPerQuery: 3 });

    // AP: query 0 = 1 (rank 1), query 1 = (1/2 + 2/4) / 2 = 0.5, query 2 = 1/3 (rank 3).
    expect(result.perQuery.map((detail) => detail.queryIndex)).toEqual([2, 1]);
    expect(result.perQuery[0].averagePrecision).toBeCloseTo(1 / 3, 12);
    expect(result.perQuery[1]).toMatchObject({ firstTrueMatchRank: 2, trueMatches: 2 });
    expect(result.perQuery[0].top.map((item) => item.galleryIndex)).toEqual([0, 1, 2]);
    expect(result.perQuery[0].top[0].distance).toBeCloseTo(2 * Math.sin((10 * Math.PI) / 360), 6);
  });

  it('top list leaves out junk', async () => {
    const gallery = labelled(arcFeatures(4), [[1, 1], [9, 2], [1, 2], [8, 1]]);
    const query = queriesAtOrigin([[1, 1]]);

    const result = await evaluate(query, gallery, { dimension: 2, topPerQuery: 3 });

    expect(result.perQuery[0].top.map((item) => item.galleryIndex)).toEqual([1, 2, 3]);
  });

  it('random sets match brute force', async () => {
    const random = seededRandom(11);
    const dimension = 16;
    const centres = new Float32Array(40 * dimension).map(() => random() - 0.5);
    const query = clusteredSet(random, centres, dimension, 120, 1.5, 6);
    const gallery = clusteredSet(random, centres, dimension, 900, 1.5, 6);

    const result = await evaluate(query, gallery, { dimension, maxRank: 30, worstQueries: 5 });

    const queryUnit = l2Normalize(query.features, dimension);
    const galleryUnit = l2Normalize(gallery.features, dimension);
    const distances = new Float64Array(120 * 900);
    for (let q = 0; q < 120; q += 1) {
      for (let g = 0; g < 900; g += 1) distances[q * 900 + g] = squaredEuclidean(queryUnit, q, galleryUnit, g, dimension);
    }
    const reference = bruteForceFigures(distances, query, gallery, 30);
    expect(result.validQueries).toBe(reference.validQueries);
    for (const key of ['mAP', 'rank1', 'rank5', 'rank10', 'rank20', 'mINP'] as const) {
      expect(result.plain[key], key).toBeCloseTo(reference.figures[key], 9);
    }
    result.plain.cmc.forEach((value, k) => expect(value, `cmc[${k}]`).toBeCloseTo(reference.figures.cmc[k], 9));
    for (const detail of result.perQuery) {
      expect(detail.averagePrecision).toBeCloseTo(reference.averagePrecision[detail.queryIndex], 9);
    }
  });

  it('many ties match brute force', async () => {
    // Features drawn from eight fixed vectors give heavy distance ties, and
    // three identities give each query well over 64 true matches.
    const random = seededRandom(23);
    const dimension = 4;
    const palette = new Float32Array(8 * dimension).map(() => random() - 0.5);
    const pick = (rowCount: number) => {
      const set = clusteredSet(random, new Float32Array(3 * dimension), dimension, rowCount, 0, 5);
      for (let row = 0; row < rowCount; row += 1) {
        const choice = Math.floor(random() * 8);
        set.features.set(palette.subarray(choice * dimension, (choice + 1) * dimension), row * dimension);
      }
      return set;
    };
    const query = pick(30);
    const gallery = pick(600);

    const result = await evaluate(query, gallery, { dimension, maxRank: 20 });

    const distances = await denseSquaredDistances(query.features, gallery.features, dimension);
    const reference = bruteForceFigures(distances, query, gallery, 20);
    expect(result.plain).toEqual(reference.figures);
  });

  it('worker and main thread agree', async () => {
    const random = seededRandom(31);
    const dimension = 16;
    const centres = new Float32Array(40 * dimension).map(() => random() - 0.5);
    const query = clusteredSet(random, centres, dimension, 120, 1.5, 6);
    const gallery = clusteredSet(random, centres, dimension, 900, 1.5, 6);
    const options = { dimension, worstQueries: 10, rerank: true };

    const inWorker = await evaluate(query, gallery, options);
    const onMainThread = await evaluate(query, gallery, { ...options, distancesInWorker: false });

    expect(inWorker.plain).toEqual(onMainThread.plain);
    expect(inWorker.reranked).toEqual(onMainThread.reranked);
    expect(inWorker.perQuery).toEqual(onMainThread.perQuery);
  });

  it('cancel after first block', async () => {
    // 70,000 gallery rows of 2 values make blocks of 59 queries, so 200 queries take 4 blocks.
    const random = seededRandom(41);
    const query = clusteredSet(random, new Float32Array([1, 0, 0, 1]), 2, 200, 0.5, 6);
    const gallery = clusteredSet(random, new Float32Array([1, 0, 0, 1]), 2, 70_000, 0.5, 6);
    const controller = new AbortController();
    const reports: number[] = [];

    const run = evaluate(query, gallery, {
      dimension: 2,
      signal: controller.signal,
      onProgress: (done) => {
        reports.push(done);
        controller.abort();
      },
    });

    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(reports).toEqual([59]);
  });

  it('mismatched labels rejected', async () => {
    const gallery = labelled(arcFeatures(2), [[1, 1], [2, 1]]);
    const query = { features: new Float32Array([1, 0]), personIds: new Int32Array([1, 2]), cameraIds: new Int32Array([1]) };

    await expect(evaluate(query, gallery, { dimension: 2 })).rejects.toBeInstanceOf(ShapeError);
    await expect(evaluate(queriesAtOrigin([[1, 2]]), gallery, { dimension: 3 })).rejects.toBeInstanceOf(ShapeError);
    await expect(evaluate(queriesAtOrigin([[1, 2]]), gallery, { dimension: 2, maxRank: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('aborted signal cancels', async () => {
    const gallery = labelled(arcFeatures(2), [[1, 1], [2, 1]]);
    const controller = new AbortController();
    controller.abort();

    await expect(evaluate(queriesAtOrigin([[1, 2]]), gallery, { dimension: 2, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
