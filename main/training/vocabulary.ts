import { resolve } from 'node:path';
import { ValidationError } from '../errors';
import { loadClipTokenizer, type ClipTokenizer } from '../ml/tokenizer';

/** Loaded tokenizers by vocabulary path; a vocabulary is about 2 MiB of maps and takes about a second to build. */
const tokenizers = new Map<string, Promise<ClipTokenizer>>();

/** Picks the CLIP vocabulary of a run: the path given, else $MPREID_CLIP_VOCAB. */
export function resolveVocabularyPath(requested: string | undefined): string {
  const path = requested || process.env.MPREID_CLIP_VOCAB;
  if (!path) {
    throw new ValidationError(
      'No CLIP vocabulary given: pass vocabularyPath, or set MPREID_CLIP_VOCAB, to bpe_simple_vocab_16e6.txt.gz or to a folder with vocab.json and merges.txt.',
    );
  }
  return resolve(path);
}

/** Loads a tokenizer once per vocabulary path; a failed load is not kept, so a fixed file can be retried. */
export function loadTokenizer(vocabularyPath: string): Promise<ClipTokenizer> {
  let tokenizer = tokenizers.get(vocabularyPath);
  if (!tokenizer) {
    tokenizer = loadClipTokenizer(vocabularyPath);
    tokenizers.set(vocabularyPath, tokenizer);
    tokenizer.catch(() => tokenizers.delete(vocabularyPath));
  }
  return tokenizer;
}
