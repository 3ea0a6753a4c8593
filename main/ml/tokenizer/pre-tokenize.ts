import { endOfTextToken, startOfTextToken } from './special-tokens';

/**
 * CLIP's pre-tokenisation pattern: the two special tokens, English contraction
 * suffixes, runs of letters, single digits, and runs of anything else that is not
 * whitespace. Text between matches, which is only whitespace, is dropped.
 * CLIP compiles it case-insensitive, which matters only for the contractions.
 */
const preTokenPattern = new RegExp(
  [
    escapeRegExp(startOfTextToken),
    escapeRegExp(endOfTextToken),
    "'s|'t|'re|'ve|'m|'ll|'d",
    '\\p{L}+',
    '\\p{N}',
    '[^\\p{White_Space}\\p{L}\\p{N}]+',
  ].join('|'),
  'giu',
);

function escapeRegExp(literal: string): string {
  return literal.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&');
}

/** Splits normalised text into the pieces that BPE encodes one at a time. */
export function preTokenize(normalizedText: string): string[] {
  return Array.from(normalizedText.matchAll(preTokenPattern), (match) => match[0]);
}
