import { NearestList } from './nearest-list';

export interface RankedItem {
  galleryIndex: number;
  distance: number;
}

/**
 * Results for every query of one ranking pass, indexed by query. A skipped
 * query (no true match in another camera) has firstTrueMatchRank 0.
 */
export interface QueryOutcomes {
  averagePrecision: Float64Array;
  /** Number of true matches divided by the rank of the last one (the INP of mINP). */
  inversePenalty: Float64Array;
  firstTrueMatchRank: Int32Array;
  trueMatches: Int32Array;
  /** Nearest valid gallery items per query, nearest first; empty when top lists are off. */
  top: RankedItem[][];
}

/**
 * Ranks one query's row of gallery distances under the Market-1501/Duke
 * protocol without sorting the row. Gallery items of the query's identity
 * seen by the query's camera are removed. Every other item of that identity
 * is a true match, and any other identity is a false match (distractors
 * included). Equal distances rank by ascending gallery index.
 *
 * The rank of each true match is 1 plus the number of valid items ordered
 * before it. One pass over the row counts, for every false match nearer than
 * the last true match, how many true matches precede it. Most items lie
 * beyond that last true match and cost a single comparison.
 */
export class QueryRanker {
  readonly outcomes: QueryOutcomes;
  private readonly personIds: Int32Array;
  private readonly cameraIds: Int32Array;
  private readonly galleryByPerson: Map<number, number[]>;
  private readonly topList: NearestList;
  private readonly toDistance: (value: number) => number;
  private trueValues = new Float64Array(64);
  private trueIndices = new Int32Array(64);
  private falseBefore = new Int32Array(65);

  /** `toDistance` maps a row value to the distance reported in top lists (for example sqrt of a squared distance). */
  constructor(gallery: { personIds: Int32Array; cameraIds: Int32Array }, queryCount: number, topPerQuery: number, toDistance: (value: number) => number) {
    this.personIds = gallery.personIds;
    this.cameraIds = gallery.cameraIds;
    this.galleryByPerson = groupByPerson(gallery.personIds);
    this.topList = new NearestList(topPerQuery);
    this.toDistance = toDistance;
    this.outcomes = {
      averagePrecision: new Float64Array(queryCount),
      inversePenalty: new Float64Array(queryCount),
      firstTrueMatchRank: new Int32Array(queryCount),
      trueMatches: new Int32Array(queryCount),
      top: Array.from({ length: queryCount }, () => []),
    };
  }

  /** Ranks `row[offset .. offset + galleryCount)`, the distances from query `queryIndex` to the gallery. */
  rankRow(queryIndex: number, personId: number, cameraId: number, row: Float32Array, offset: number): void {
    const trueCount = this.collectTrueMatches(personId, cameraId, row, offset);
    this.outcomes.trueMatches[queryIndex] = trueCount;
    if (trueCount === 0) return;

    this.countFalseMatchesBefore(personId, cameraId, row, offset, trueCount);
    this.storeOutcome(queryIndex, trueCount);
    this.outcomes.top[queryIndex] = this.topList.sorted().map(({ index, distance }) => ({
      galleryIndex: index,
      distance: this.toDistance(distance),
    }));
  }

  /** Fills trueValues/trueIndices with the query's true matches sorted by (value, index); returns their count. */
  private collectTrueMatches(personId: number, cameraId: number, row: Float32Array, offset: number): number {
    const samePerson = this.galleryByPerson.get(personId) ?? [];
    this.reserve(samePerson.length);

    const order: number[] = [];
    for (const galleryIndex of samePerson) {
      if (this.cameraIds[galleryIndex] !== cameraId) order.push(galleryIndex);
    }
    order.sort((a, b) => row[offset + a] - row[offset + b] || a - b);

    order.forEach((galleryIndex, position) => {
      this.trueIndices[position] = galleryIndex;
      this.trueValues[position] = row[offset + galleryIndex];
    });
    return order.length;
  }

  /**
   * Sets falseBefore[p] to the number of false matches ranked after exactly p
   * true matches and before the next one, and fills the top list.
   */
  private countFalseMatchesBefore(personId: number, cameraId: number, row: Float32Array, offset: number, trueCount: number): void {
    const falseBefore = this.falseBefore;
    falseBefore.fill(0, 0, trueCount + 1);
    const lastValue = this.trueValues[trueCount - 1];
    const lastIndex = this.trueIndices[trueCount - 1];
    const topList = this.topList;
    topList.clear();

    const galleryCount = this.personIds.length;
    let bound = Math.max(lastValue, topList.bound);
    for (let galleryIndex = 0; galleryIndex < galleryCount; galleryIndex += 1) {
      const value = row[offset + galleryIndex];
      if (value > bound) continue;

      const samePerson = this.personIds[galleryIndex] === personId;
      if (samePerson && this.cameraIds[galleryIndex] === cameraId) continue;

      if (value <= topList.bound) {
        topList.offer(value, galleryIndex);
        bound = Math.max(lastValue, topList.bound);
      }
      if (samePerson) continue;

      if (value < lastValue || (value === lastValue && galleryIndex < lastIndex)) {
        falseBefore[this.countTrueMatchesBefore(value, galleryIndex, trueCount)] += 1;
      }
    }
  }

  /** Binary search: the number of true matches ordered before (value, galleryIndex). */
  private countTrueMatchesBefore(value: number, galleryIndex: number, trueCount: number): number {
    let low = 0;
    let high = trueCount;
    while (low < high) {
      const middle = (low + high) >> 1;
      const middleValue = this.trueValues[middle];
      const isBefore = middleValue < value || (middleValue === value && this.trueIndices[middle] < galleryIndex);
      if (isBefore) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Turns the false-match counts into ranks, then into AP, INP and the first true match rank. */
  private storeOutcome(queryIndex: number, trueCount: number): void {
    let falseSoFar = 0;
    let precisionSum = 0;
    let rank = 0;
    for (let position = 0; position < trueCount; position += 1) {
      falseSoFar += this.falseBefore[position];
      rank = position + 1 + falseSoFar;
      if (position === 0) this.outcomes.firstTrueMatchRank[queryIndex] = rank;
      precisionSum += (position + 1) / rank;
    }

    this.outcomes.averagePrecision[queryIndex] = precisionSum / trueCount;
    this.outcomes.inversePenalty[queryIndex] = trueCount / rank;
  }

  private reserve(trueCount: number): void {
    if (trueCount <= this.trueValues.length) return;
    this.trueValues = new Float64Array(trueCount);
    this.trueIndices = new Int32Array(trueCount);
    this.falseBefore = new Int32Array(trueCount + 1);
  }
}

/** Gallery indices per person id, each list ascending. */
function groupByPerson(personIds: Int32Array): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  personIds.forEach((personId, galleryIndex) => {
    const group = groups.get(personId);
    if (group) group.push(galleryIndex);
    else groups.set(personId, [galleryIndex]);
  });
  return groups;
}
