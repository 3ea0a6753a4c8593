import { describe, expect, it } from 'vitest';
import { CancelledError, ValidationError } from '../../main/errors';
import { evaluate } from '../../main/retrieval/evaluate';
import { squaredEuclidean } from '../../main/retrieval/euclidean';
import type { LabelledSet } from '../../main/retrieval/labelled-set';
import { l2Normalize } from '../../main/retrieval/normalize';
import { rerankDistances } from '../../main/retrieval/rerank';
import { bruteForceFigures } from './brute-force';
import { clusteredSet, seededRandom } from './fixtures';

/**
 * k-reciprocal re-ranking written straight from its definition with dense
 * float64 matrices over all query + gallery items. N(x, k) is x followed by
 * its k nearest others; R(x, k) keeps y in N(x, k) with x in N(y, k).
 */
function directRerank(query: Float32Array, gallery: Float32Array, dimension: number, k1: number, k2: number, lambda: number): number[][] {
  const all = l2Normalize(Float32Array.from([...query, ...gallery]), dimension);
  const queryCount = query.length / dimension;
  const itemCount = all.length / dimension;
  const items = [...Array(itemCount).keys()];

  const squared = items.map((i) => items.map((j) => squaredEuclidean(all, i, all, j, dimension)));
  const scaled = squared.map((row) => row.map((value) => value / Math.max(...row)));
  const ranking = items.map((i) => [i, ...items.filter((j) => j !== i).sort((a, b) => squared[i][a] - squared[i][b] || a - b)]);
  const nearest = (i: number, k: number) => ranking[i].slice(0, k + 1);
  const reciprocal = (i: number, k: number) => nearest(i, k).filter((j) => nearest(j, k).includes(i));

  const encoded = items.map((i) => {
    const members = new Set(reciprocal(i, k1));
    for (const candidate of reciprocal(i, k1)) {
      const candidateMembers = reciprocal(candidate, Math.round(k1 / 2));
      const overlap = candidateMembers.filter((member) => reciprocal(i, k1).includes(member)).length;
      // More than two thirds of the candidate's set, compared in integers.
      if (3 * overlap > 2 * candidateMembers.length) candidateMembers.forEach((member) => members.add(member));
    }
    const row = items.map((j) => (members.has(j) ? Math.exp(-scaled[i][j]) : 0));
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((value) => value / total);
  });

  const expanded = items.map((i) => {
    const neighbours = ranking[i].slice(0, k2);
    return items.map((j) => neighbours.reduce((sum, n) => sum + encoded[n][j], 0) / neighbours.length);
  });

  return items.slice(0, queryCount).map((q) =>
    items.slice(queryCount).map((g) => {
      const minSum = items.reduce((sum, j) => sum + Math.min(expanded[q][j], expanded[g][j]), 0);
      const maxSum = items.reduce((sum, j) => sum + Math.max(expanded[q][j], expanded[g][j]), 0);
      return (1 - lambda) * (1 - minSum / maxSum) + lambda * scaled[q][g];
    }),
  );
}

function randomSets(seed: number, dimension: number, identities: number, queryCount: number, galleryCount: number): { query: LabelledSet; gallery: LabelledSet } {
  const random = seededRandom(seed);
  const centres = new Float32Array(identities * dimension).map(() => random() - 0.5);
  return {
    query: clusteredSet(random, centres, dimension, queryCount, 0.8, 4),
    gallery: clusteredSet(random, centres, dimension, galleryCount, 0.8, 4),
  };
}

async function expectMatchesDirect(seed: number, sizes: [number, number], k1: number, k2: number, lambda: number, duplicates = false): Promise<void> {
  const dimension = 8;
  const { query, gallery } = randomSets(seed, dimension, 6, sizes[0], sizes[1]);
  if (duplicates) {
    // Every gallery row copies the row five before it, so neighbour lists hold exact distance ties.
    for (let row = 5; row < sizes[1]; row += 1) gallery.features.copyWithin(row * dimension, (row - 5) * dimension, (row - 4) * dimension);
  }

  const actual = await rerankDistances(query.features, gallery.features, dimension, { k1, k2, lambda });

  const expected = directRerank(query.features, gallery.features, dimension, k1, k2, lambda);
  expected.forEach((row, q) =>
    row.forEach((value, g) => {
      expect(actual[q * sizes[1] + g], `query ${q}, gallery ${g}`).toBeCloseTo(value, 5);
    }),
  );
}

describe('rerankDistances', () => {
  it('matches direct definition', async () => {
    await expectMatchesDirect(5, [10, 50], 20, 6, 0.3);
  });

  it('matches with small k', async () => {
    await expectMatchesDirect(9, [8, 40], 4, 2, 0.5);
  });

  it('duplicate features tie by index', async () => {
    await expectMatchesDirect(27, [6, 30], 6, 3, 0.3, true);
  });

  it('set smaller than k1', async () => {
    await expectMatchesDirect(13, [2, 6], 20, 6, 0.3);
  });

  it('lambda 1 keeps original order', async () => {
    const dimension = 8;
    const { query, gallery } = randomSets(21, dimension, 5, 4, 30);

    const distances = await rerankDistances(query.features, gallery.features, dimension, { lambda: 1 });

    const queryUnit = l2Normalize(query.features, dimension);
    const galleryUnit = l2Normalize(gallery.features, dimension);
    for (let q = 0; q < 4; q += 1) {
      const byOriginal = [...Array(30).keys()].sort((a, b) => squaredEuclidean(queryUnit, q, galleryUnit, a, dimension) - squaredEuclidean(queryUnit, q, galleryUnit, b, dimension));
      const byReranked = [...Array(30).keys()].sort((a, b) => distances[q * 30 + a] - distances[q * 30 + b]);
      expect(byReranked).toEqual(byOriginal);
    }
  });

  it('invalid options rejected', async () => {
    const features = new Float32Array([1, 0, 0, 1]);

    await expect(rerankDistances(features, features, 2, { k1: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(rerankDistances(features, features, 2, { k1: 4, k2: 6 })).rejects.toBeInstanceOf(ValidationError);
    await expect(rerankDistances(features, features, 2, { lambda: 1.5 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('aborted signal cancels', async () => {
    const { query, gallery } = randomSets(3, 8, 4, 5, 20);
    const controller = new AbortController();
    controller.abort();

    await expect(rerankDistances(query.features, gallery.features, 8, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('evaluate with rerank', () => {
  it('reranked figures match brute force', async () => {
    const dimension = 8;
    const { query, gallery } = randomSets(17, dimension, 12, 40, 300);

    const result = await evaluate(query, gallery, { dimension, rerank: true, maxRank: 20 });

    const distances = await rerankDistances(query.features, gallery.features, dimension);
    const reference = bruteForceFigures(distances, query, gallery, 20);
    expect(result.reranked).toEqual(reference.figures);
    expect(result.seconds.rerankPrepare).toBeGreaterThan(0);
  });

  it('progress reaches total', async () => {
    const { query, gallery } = randomSets(19, 8, 5, 12, 70);
    const reports: [number, number][] = [];

    await evaluate(query, gallery, { dimension: 8, rerank: true, onProgress: (done, total) => reports.push([done, total]) });

    // Plain ranking (12 rows), the query + gallery neighbour pass (82 rows), re-ranked ranking (12 rows).
    const total = 12 + 82 + 12;
    expect(reports.every(([, reportedTotal]) => reportedTotal === total)).toBe(true);
    expect(reports[reports.length - 1][0]).toBe(total);
    expect(reports.map(([done]) => done)).toEqual([...reports.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('abort mid-run cancels', async () => {
    const { query, gallery } = randomSets(29, 8, 5, 12, 70);
    const controller = new AbortController();

    // The first report past the 12 plain rows comes from the neighbour pass of re-ranking.
    const run = evaluate(query, gallery, {
      dimension: 8,
      rerank: true,
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 12) controller.abort();
      },
    });

    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
