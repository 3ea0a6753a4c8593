import type { MpreidConfig } from './training-types';
import type { TextSide } from './text-side';
import { compactTokenRows, scratchTextOptions } from './text-side';

/**
 * Resolves the text encoder of a run: a small transformer trained from scratch,
 * or CLIP's pretrained text transformer read from disk and kept frozen. A
 * scratch encoder's vocabulary holds only the token ids of `sentences`.
 */
export async function resolveTextSide(config: MpreidConfig, contextLength: number, sentences: readonly (readonly number[])[]): Promise<TextSide> {
  const encoder = config.textEncoder;
  if (encoder.source === 'scratch') {
    const { tokenRows, size } = compactTokenRows(sentences);
    return { options: { ...scratchTextOptions(encoder.width, encoder.layers, encoder.heads, contextLength), vocabularySize: size }, jointWidth: config.jointWidth, tokenRows };
  }
  const { loadClipTextWeights } = await import('../text/clip-weights');
  const loaded = await loadClipTextWeights(encoder.weightsPath);
  return { options: { ...loaded.options, contextLength }, weights: loaded, jointWidth: config.jointWidth };
}
