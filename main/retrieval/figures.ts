import type { RetrievalFigures } from '../api/schemas';
import { ValidationError } from '../errors';
import type { QueryOutcomes } from './query-ranking';

/**
 * Averages per-query outcomes over the valid queries (those with a true
 * match in another camera) into mAP, mINP, Rank-k and a CMC curve of
 * `maxRank` points. Rank-1/5/10/20 do not depend on `maxRank`.
 * Throws ValidationError when no query is valid, because every figure
 * would then be 0/0.
 */
export function summarizeOutcomes(outcomes: QueryOutcomes, maxRank: number): { figures: RetrievalFigures; validQueries: number } {
  const firstRanks = outcomes.firstTrueMatchRank;
  const firstRankCounts = new Float64Array(maxRank + 1);
  let validQueries = 0;
  let precisionSum = 0;
  let penaltySum = 0;

  for (let query = 0; query < firstRanks.length; query += 1) {
    const firstRank = firstRanks[query];
    if (firstRank === 0) continue;

    validQueries += 1;
    precisionSum += outcomes.averagePrecision[query];
    penaltySum += outcomes.inversePenalty[query];
    if (firstRank <= maxRank) firstRankCounts[firstRank] += 1;
  }

  if (validQueries === 0) {
    throw new ValidationError(
      `None of the ${firstRanks.length} queries has a true match in the gallery from another camera, so no figure can be computed; check that query and gallery come from the same dataset.`,
    );
  }

  const cmc: number[] = [];
  let reached = 0;
  for (let rank = 1; rank <= maxRank; rank += 1) {
    reached += firstRankCounts[rank];
    cmc.push(reached / validQueries);
  }

  const rankAt = (k: number) => countAtMost(firstRanks, k) / validQueries;
  const figures: RetrievalFigures = {
    mAP: precisionSum / validQueries,
    rank1: rankAt(1),
    rank5: rankAt(5),
    rank10: rankAt(10),
    rank20: rankAt(20),
    mINP: penaltySum / validQueries,
    cmc,
  };
  return { figures, validQueries };
}

/** Number of valid queries whose first true match ranks at or above k. */
function countAtMost(firstRanks: Int32Array, k: number): number {
  let count = 0;
  for (const firstRank of firstRanks) {
    if (firstRank > 0 && firstRank <= k) count += 1;
  }
  return count;
}
