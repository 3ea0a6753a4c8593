import { endOfWordSuffix } from './special-tokens';

/**
 * Byte-pair encoding of single words with a merge-rank table. Words are strings
 * of byte symbols, and the result is the list of vocabulary tokens whose last
 * entry carries the `</w>` suffix.
 */
export class BytePairEncoder {
  private readonly cache = new Map<string, readonly string[]>();

  /**
   * @param mergeRanks rank of each merge keyed by "first second"; a lower rank merges first.
   * @param maxCacheWords words to remember before the cache starts over, which bounds its memory.
   */
  constructor(
    private readonly mergeRanks: ReadonlyMap<string, number>,
    private readonly maxCacheWords = 100_000,
  ) {}

  encodeWord(word: string): readonly string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;

    const tokens = this.mergeWord(word);
    if (this.cache.size >= this.maxCacheWords) this.cache.clear();
    this.cache.set(word, tokens);
    return tokens;
  }

  /** Merges the lowest-ranked adjacent pair everywhere it occurs, until no adjacent pair has a rank. */
  private mergeWord(word: string): string[] {
    if (word === '') return [];
    let parts = Array.from(word);
    parts[parts.length - 1] += endOfWordSuffix;

    while (parts.length > 1) {
      const pairIndex = this.findLowestRankedPair(parts);
      if (pairIndex < 0) break;
      parts = mergePair(parts, parts[pairIndex], parts[pairIndex + 1]);
    }
    return parts;
  }

  private findLowestRankedPair(parts: readonly string[]): number {
    let bestIndex = -1;
    let bestRank = Infinity;
    for (let index = 0; index + 1 < parts.length; index++) {
      const rank = this.mergeRanks.get(`${parts[index]} ${parts[index + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        bestIndex = index;
      }
    }
    return bestIndex;
  }
}

/** Joins every non-overlapping occurrence of (first, second), scanning left to right. */
function mergePair(parts: readonly string[], first: string, second: string): string[] {
  const merged: string[] = [];
  let index = 0;
  while (index < parts.length) {
    if (index + 1 < parts.length && parts[index] === first && parts[index + 1] === second) {
      merged.push(first + second);
      index += 2;
    } else {
      merged.push(parts[index]);
      index += 1;
    }
  }
  return merged;
}
