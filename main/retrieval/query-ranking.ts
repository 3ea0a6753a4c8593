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

/** A row of non-negative float32 distances and the same memory read as int32 sort keys. */
export interface DistanceRow {
  values: Float32Array;
  keys: Int32Array;
  offset: number;
}

/** Larger than the bit pattern of any finite non-negative float32 (0x7f7fffff). */
const paddingKey = 0x7fffffff;

/**
 * Ranks one query's row of gallery distances under the Market-1501/Duke
 * protocol without sorting the row. Gallery items of the query's identity
 * seen by the query's camera are removed. Every other item of that identity
 * is a true match, and any other identity is a false match (distractors
 * included). Equal distances rank by ascending gallery index.
 *
 * The rank of each true match is 1 plus the number of valid items ordered
 * before it. A first pass collects the items no farther than the last true
 * match, then a binary search counts the true matches that precede each
 * collected false match. Distances are compared as int32 keys, which order
 * non-negative float32 values exactly, so both steps compare without
 * data-dependent branches. Mispredicted branches cost more than the
 * comparisons themselves when the row is scanned in JavaScript, so the only
 * such branch skips runs of 8 keys that all lie beyond the last true match.
 */
export class QueryRanker {
  readonly outcomes: QueryOutcomes;
  private readonly personIds: Int32Array;
  private readonly cameraIds: Int32Array;
  private readonly galleryByPerson: Map<number, number[]>;
  private readonly topList: NearestList;
  private readonly toDistance: (value: number) => number;
  private readonly candidates: Int32Array;
  private trueKeys = new Int32Array(64).fill(paddingKey);
  private trueIndices = new Int32Array(64);
  private falseBefore = new Int32Array(65);

  /** `toDistance` maps a row value to the distance reported in top lists (for example sqrt of a squared distance). */
  constructor(gallery: { personIds: Int32Array; cameraIds: Int32Array }, queryCount: number, topPerQuery: number, toDistance: (value: number) => number) {
    this.personIds = gallery.personIds;
    this.cameraIds = gallery.cameraIds;
    this.galleryByPerson = groupByPerson(gallery.personIds);
    this.topList = new NearestList(Math.min(topPerQuery, gallery.personIds.length));
    this.toDistance = toDistance;
    this.candidates = new Int32Array(gallery.personIds.length + 1);
    this.outcomes = {
      averagePrecision: new Float64Array(queryCount),
      inversePenalty: new Float64Array(queryCount),
      firstTrueMatchRank: new Int32Array(queryCount),
      trueMatches: new Int32Array(queryCount),
      top: Array.from({ length: queryCount }, () => []),
    };
  }

  /** Ranks the query `queryIndex` given its distances to every gallery item. */
  rankRow(queryIndex: number, personId: number, cameraId: number, row: DistanceRow): void {
    const trueCount = this.collectTrueMatches(personId, cameraId, row);
    this.outcomes.trueMatches[queryIndex] = trueCount;
    if (trueCount === 0) return;

    const lastKey = this.trueKeys[trueCount - 1];
    const candidateCount = this.collectCandidates(row, lastKey);
    this.scanCandidates(personId, cameraId, row, trueCount, candidateCount);
    this.storeOutcome(queryIndex, trueCount);
    if (this.topList.capacity > 0) this.completeTopList(queryIndex, personId, cameraId, row, lastKey);
  }

  /** Fills trueKeys/trueIndices with the true matches sorted by (key, index); returns their count. */
  private collectTrueMatches(personId: number, cameraId: number, row: DistanceRow): number {
    const samePerson = this.galleryByPerson.get(personId) ?? [];
    this.reserve(samePerson.length);

    const keys = row.keys;
    const offset = row.offset;
    const order = samePerson.filter((galleryIndex) => this.cameraIds[galleryIndex] !== cameraId);
    order.sort((a, b) => keys[offset + a] - keys[offset + b] || a - b);

    this.trueKeys.fill(paddingKey);
    order.forEach((galleryIndex, position) => {
      this.trueIndices[position] = galleryIndex;
      this.trueKeys[position] = keys[offset + galleryIndex];
    });
    return order.length;
  }

  /** Writes to `candidates` the gallery indices whose key is at most `bound`, in index order; returns their count. */
  private collectCandidates(row: DistanceRow, bound: number): number {
    const { keys, offset } = row;
    const candidates = this.candidates;
    const galleryCount = this.personIds.length;
    let count = 0;
    let galleryIndex = 0;

    // Most rows hold few candidates, so a run of 8 keys above `bound` is
    // skipped with one well-predicted branch. Otherwise every index of the
    // run is written, but the count only advances when key <= bound:
    // (bound - key) >> 31 is -1 when key > bound and 0 otherwise. Both are
    // non-negative int32, so the difference fits in an int32.
    for (; galleryIndex + 7 < galleryCount; galleryIndex += 8) {
      const start = offset + galleryIndex;
      const margin0 = bound - keys[start];
      const margin1 = bound - keys[start + 1];
      const margin2 = bound - keys[start + 2];
      const margin3 = bound - keys[start + 3];
      const margin4 = bound - keys[start + 4];
      const margin5 = bound - keys[start + 5];
      const margin6 = bound - keys[start + 6];
      const margin7 = bound - keys[start + 7];
      if ((margin0 & margin1 & margin2 & margin3 & margin4 & margin5 & margin6 & margin7) < 0) continue;

      candidates[count] = galleryIndex;
      count += 1 + (margin0 >> 31);
      candidates[count] = galleryIndex + 1;
      count += 1 + (margin1 >> 31);
      candidates[count] = galleryIndex + 2;
      count += 1 + (margin2 >> 31);
      candidates[count] = galleryIndex + 3;
      count += 1 + (margin3 >> 31);
      candidates[count] = galleryIndex + 4;
      count += 1 + (margin4 >> 31);
      candidates[count] = galleryIndex + 5;
      count += 1 + (margin5 >> 31);
      candidates[count] = galleryIndex + 6;
      count += 1 + (margin6 >> 31);
      candidates[count] = galleryIndex + 7;
      count += 1 + (margin7 >> 31);
    }

    for (; galleryIndex < galleryCount; galleryIndex += 1) {
      candidates[count] = galleryIndex;
      count += 1 + ((bound - keys[offset + galleryIndex]) >> 31);
    }
    return count;
  }

  /**
   * Sets falseBefore[p] to the number of false matches ranked after exactly p
   * true matches and before the next, and offers every valid candidate to the
   * top list (a no-op when its capacity is 0).
   */
  private scanCandidates(personId: number, cameraId: number, row: DistanceRow, trueCount: number, candidateCount: number): void {
    const { keys, offset } = row;
    const { candidates, cameraIds, falseBefore, personIds, topList, trueKeys, trueIndices } = this;
    falseBefore.fill(0, 0, trueCount + 1);
    topList.clear();
    let topBound = topList.bound;
    let firstStep = 1;
    while (firstStep * 2 <= trueCount) firstStep *= 2;

    for (let candidate = 0; candidate < candidateCount; candidate += 1) {
      const galleryIndex = candidates[candidate];
      const key = keys[offset + galleryIndex];
      const samePerson = personIds[galleryIndex] === personId;
      if (key <= topBound && !(samePerson && cameraIds[galleryIndex] === cameraId)) {
        topList.offer(key, galleryIndex);
        topBound = topList.bound;
      }
      if (samePerson) continue;

      // Number of true keys below `key`: a binary search that adds `step`
      // through a mask instead of a branch. The steps sum to
      // 2 x firstStep - 1 >= trueCount, and trueKeys is padded with
      // paddingKey to a power-of-two length above trueCount, so every probe
      // is in range.
      let before = 0;
      for (let step = firstStep; step > 0; step >>= 1) {
        before += step & ((trueKeys[before + step - 1] - key) >> 31);
      }
      while (before < trueCount && trueKeys[before] === key && trueIndices[before] < galleryIndex) before += 1;

      falseBefore[before] += 1;
    }
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

  /**
   * Stores the query's top list. The nearest valid items are among the
   * candidates unless fewer valid items than the list's capacity lie up to
   * the last true match. Only then is the rest of the row scanned.
   */
  private completeTopList(queryIndex: number, personId: number, cameraId: number, row: DistanceRow, lastKey: number): void {
    const { keys, values, offset } = row;
    const { personIds, cameraIds, topList } = this;

    if (topList.length < topList.capacity) {
      let bound = topList.bound;
      for (let galleryIndex = 0; galleryIndex < personIds.length; galleryIndex += 1) {
        const key = keys[offset + galleryIndex];
        if (key <= lastKey || key > bound) continue;
        if (personIds[galleryIndex] === personId && cameraIds[galleryIndex] === cameraId) continue;
        topList.offer(key, galleryIndex);
        bound = topList.bound;
      }
    }

    this.outcomes.top[queryIndex] = topList.sorted().map(({ index }) => ({
      galleryIndex: index,
      distance: this.toDistance(values[offset + index]),
    }));
  }

  /** Grows the per-query buffers to a power-of-two length above `trueCount`, as the branch-free search needs. */
  private reserve(trueCount: number): void {
    if (trueCount < this.trueIndices.length) return;
    let length = this.trueIndices.length;
    while (length <= trueCount) length *= 2;
    this.trueKeys = new Int32Array(length).fill(paddingKey);
    this.trueIndices = new Int32Array(length);
    this.falseBefore = new Int32Array(length + 1);
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
