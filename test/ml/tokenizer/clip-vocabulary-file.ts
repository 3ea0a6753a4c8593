import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The original CLIP merges list, read from the data folder next to the repository. */
export const clipVocabularyFile = resolve(import.meta.dirname, '../../../../shared/data/clip/bpe_simple_vocab_16e6.txt.gz');

/** Merge lines of the original file, header line removed, as "first second" strings. */
export function readMergeLines(): string[] {
  const lines = gunzipSync(readFileSync(clipVocabularyFile)).toString('utf8').split('\n');
  return lines.slice(1).filter((line) => line !== '');
}
