import type { RetrievalFigures } from '../../main/api/schemas';
import { forEachDistanceBlock } from '../../main/retrieval/distance-blocks';
import { l2Normalize } from '../../main/retrieval/normalize';

/**
 * Reference evaluator for tests: sorts every full distance row, drops the
 * query's identity seen by its own camera, and reads the metrics off the
 * sorted list one item at a time. Slow and obvious on purpose.
 */
export function bruteForceFigures(
  distances: ArrayLike<number>,
  query: { personIds: ArrayLike<number>; cameraIds: ArrayLike<number> },
  gallery: { personIds: ArrayLike<number>; cameraIds: ArrayLike<number> },
  maxRank: number,
): { figures: RetrievalFigures; validQueries: number; averagePrecision: number[] } {
  const galleryCount = gallery.personIds.length;
  const cmcCounts = new Array<number>(maxRank).fill(0);
  const averagePrecision: number[] = [];
  let validQueries = 0;
  let apSum = 0;
  let inpSum = 0;
  const rankCounts = { 1: 0, 5: 0, 10: 0, 20: 0 };

  for (let q = 0; q < query.personIds.length; q += 1) {
    const order = Array.from({ length: galleryCount }, (_, g) => g);
    order.sort((a, b) => distances[q * galleryCount + a] - distances[q * galleryCount + b] || a - b);
    const kept = order.filter((g) => !(gallery.personIds[g] === query.personIds[q] && gallery.cameraIds[g] === query.cameraIds[q]));
    const isTrue = kept.map((g) => gallery.personIds[g] === query.personIds[q]);

    const trueRanks: number[] = [];
    isTrue.forEach((hit, position) => {
      if (hit) trueRanks.push(position + 1);
    });
    if (trueRanks.length === 0) {
      averagePrecision.push(Number.NaN);
      continue;
    }

    validQueries += 1;
    const ap = trueRanks.reduce((sum, rank, found) => sum + (found + 1) / rank, 0) / trueRanks.length;
    averagePrecision.push(ap);
    apSum += ap;
    inpSum += trueRanks.length / trueRanks[trueRanks.length - 1];
    for (let k = 1; k <= maxRank; k += 1) if (trueRanks[0] <= k) cmcCounts[k - 1] += 1;
    for (const k of [1, 5, 10, 20] as const) if (trueRanks[0] <= k) rankCounts[k] += 1;
  }

  return {
    figures: {
      mAP: apSum / validQueries,
      rank1: rankCounts[1] / validQueries,
      rank5: rankCounts[5] / validQueries,
      rank10: rankCounts[10] / validQueries,
      rank20: rankCounts[20] / validQueries,
      mINP: inpSum / validQueries,
      cmc: cmcCounts.map((count) => count / validQueries),
    },
    validQueries,
    averagePrecision,
  };
}

/** Gathers the squared distances that evaluate ranks into one dense query x gallery matrix. */
export async function denseSquaredDistances(query: Float32Array, gallery: Float32Array, dimension: number): Promise<Float32Array> {
  const queryUnit = l2Normalize(query, dimension);
  const galleryUnit = l2Normalize(gallery, dimension);
  const distances = new Float32Array((queryUnit.length / dimension) * (galleryUnit.length / dimension));
  await forEachDistanceBlock(queryUnit, galleryUnit, dimension, {
    visit: (block) => distances.set(block.squaredDistances, block.firstRow * block.columnCount),
  });
  return distances;
}
