import { ValidationError } from '../../errors';
import { symbolBytes, vocabularyByteSymbols } from './byte-symbols';
import { endOfTextToken, endOfWordSuffix, startOfTextToken } from './special-tokens';

/** Merges that CLIP uses from its merges list: 49,408 ids less 512 byte tokens and 2 special tokens. */
export const clipMergeCount = 49_408 - 512 - 2;

/** A BPE vocabulary: token texts, their ids and the merge ranks that produce them. */
export interface ClipVocabulary {
  /** Token text of each id. Texts are byte symbols, optionally ending in `</w>`. */
  tokens: readonly string[];
  tokenIds: ReadonlyMap<string, number>;
  /** Rank of each merge keyed by "first second". A lower rank merges first. */
  mergeRanks: ReadonlyMap<string, number>;
  startTokenId: number;
  endTokenId: number;
}

/** One line of a merges list: the two tokens that join into one. */
export type Merge = readonly [first: string, second: string];

function rankMerges(merges: readonly Merge[]): Map<string, number> {
  return new Map(merges.map(([first, second], rank) => [`${first} ${second}`, rank]));
}

/**
 * Builds CLIP's vocabulary from the original merges list. Ids run: the 256 byte
 * symbols, the same with `</w>`, one token per merge in rank order, then the
 * start and end tokens.
 */
export function vocabularyFromMerges(merges: readonly Merge[]): ClipVocabulary {
  const tokens = [
    ...vocabularyByteSymbols,
    ...vocabularyByteSymbols.map((symbol) => symbol + endOfWordSuffix),
    ...merges.map(([first, second]) => first + second),
    startOfTextToken,
    endOfTextToken,
  ];
  const tokenIds = new Map(tokens.map((token, id) => [token, id]));
  return { tokens, tokenIds, mergeRanks: rankMerges(merges), startTokenId: tokens.length - 2, endTokenId: tokens.length - 1 };
}

/**
 * Builds a vocabulary from a Hugging Face `vocab.json` map and `merges.txt` list,
 * rejecting pairs that could not encode every text: ids that are not 0..n-1,
 * a missing byte token or special token, or a merge whose result has no id.
 */
export function vocabularyFromTokenIds(tokenIds: ReadonlyMap<string, number>, merges: readonly Merge[], sourceName: string): ClipVocabulary {
  const tokens = tokensById(tokenIds, sourceName);
  const required = [...vocabularyByteSymbols, ...vocabularyByteSymbols.map((symbol) => symbol + endOfWordSuffix), startOfTextToken, endOfTextToken];
  const missing = required.find((token) => !tokenIds.has(token));
  if (missing !== undefined) {
    throw new ValidationError(`${sourceName} has no id for the token "${missing}", which every CLIP vocabulary contains. Use the vocab.json that belongs to the model.`);
  }

  const foreignToken = tokens.find((token) => !isByteSymbolToken(token));
  if (foreignToken !== undefined) {
    throw new ValidationError(`${sourceName} contains the token "${foreignToken}", which is not made of byte symbols. Expected a byte-level BPE vocabulary such as CLIP's.`);
  }

  const unknownMerge = merges.find(([first, second]) => !tokenIds.has(first + second));
  if (unknownMerge) {
    throw new ValidationError(`${sourceName} has no id for "${unknownMerge.join('')}", the result of the merge "${unknownMerge.join(' ')}". Use the vocab.json and merges.txt of the same model.`);
  }
  return { tokens, tokenIds, mergeRanks: rankMerges(merges), startTokenId: tokenIds.get(startOfTextToken)!, endTokenId: tokenIds.get(endOfTextToken)! };
}

function tokensById(tokenIds: ReadonlyMap<string, number>, sourceName: string): string[] {
  const tokens = new Array<string>(tokenIds.size);
  for (const [token, id] of tokenIds) {
    if (!Number.isInteger(id) || id < 0 || id >= tokenIds.size) {
      throw new ValidationError(`${sourceName} gives "${token}" the id ${id}, but ids must be integers from 0 to ${tokenIds.size - 1}.`);
    }
    if (tokens[id] !== undefined) throw new ValidationError(`${sourceName} gives the id ${id} to both "${tokens[id]}" and "${token}". Each id must belong to one token.`);
    tokens[id] = token;
  }
  return tokens;
}

function isByteSymbolToken(token: string): boolean {
  if (token === startOfTextToken || token === endOfTextToken) return true;
  const body = token.endsWith(endOfWordSuffix) ? token.slice(0, -endOfWordSuffix.length) : token;
  if (body === '') return false;
  for (const symbol of body) if (!symbolBytes.has(symbol)) return false;
  return true;
}
