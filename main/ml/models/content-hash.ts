import { createHash } from 'node:crypto';

/** Hex sha256 of some bytes: the key of models and images in the embedding cache. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
