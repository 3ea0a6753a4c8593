import { createLogger } from '../../log';
import { ClipTokenizer } from './clip-tokenizer';
import { loadClipVocabulary, type ClipVocabularySource } from './load-vocabulary';

export { ClipTokenizer, clipContextLength, type TokenizeOptions } from './clip-tokenizer';
export { loadClipVocabulary, type ClipVocabularySource } from './load-vocabulary';
export { normalizeClipText } from './normalize-text';
export { clipMergeCount, type ClipVocabulary } from './vocabulary';

const log = createLogger('Tokenizer');

/** Loads a CLIP vocabulary (see ClipVocabularySource) and returns a tokenizer for it. */
export async function loadClipTokenizer(source: ClipVocabularySource): Promise<ClipTokenizer> {
  const started = performance.now();
  const vocabulary = await loadClipVocabulary(source);
  log.info('Loaded CLIP vocabulary', {
    source: typeof source === 'string' ? source : source.vocabFile,
    tokens: vocabulary.tokens.length,
    merges: vocabulary.mergeRanks.size,
    milliseconds: Math.round(performance.now() - started),
  });
  return new ClipTokenizer(vocabulary);
}
