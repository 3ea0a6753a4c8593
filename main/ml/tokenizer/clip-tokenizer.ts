import { InternalError, ValidationError } from '../../errors';
import { BytePairEncoder } from './byte-pair-encoder';
import { byteSymbols, bytesToSymbols, symbolsToText } from './byte-symbols';
import { normalizeClipText } from './normalize-text';
import { preTokenize } from './pre-tokenize';
import { endOfWordSuffix } from './special-tokens';
import type { ClipVocabulary } from './vocabulary';

/** CLIP's text encoders read 77 positions: the start token, up to 75 text tokens and the end token. */
export const clipContextLength = 77;

export interface TokenizeOptions {
  /** Positions per text, start and end tokens included. Default 77. */
  contextLength?: number;
  /** Cut texts that are too long to `contextLength - 1` tokens and append the end token, instead of rejecting them. Default false. */
  truncate?: boolean;
}

/** CLIP's byte-level BPE tokenizer, producing the ids that CLIP text encoders take. */
export class ClipTokenizer {
  private readonly encoder: BytePairEncoder;

  constructor(private readonly vocabulary: ClipVocabulary) {
    this.encoder = new BytePairEncoder(vocabulary.mergeRanks);
  }

  get vocabularySize(): number {
    return this.vocabulary.tokens.length;
  }

  get startTokenId(): number {
    return this.vocabulary.startTokenId;
  }

  get endTokenId(): number {
    return this.vocabulary.endTokenId;
  }

  /**
   * Returns the ids of `text` between the start and end token, without padding.
   * Special-token text such as "<|endoftext|>" in the input becomes that token, as in CLIP.
   */
  encode(text: string): number[] {
    const ids = [this.startTokenId];
    for (const piece of preTokenize(normalizeClipText(text))) {
      const specialId = this.specialTokenId(piece);
      if (specialId !== undefined) {
        ids.push(specialId);
        continue;
      }
      for (const token of this.encoder.encodeWord(bytesToSymbols(piece))) ids.push(this.tokenId(token));
    }
    ids.push(this.endTokenId);
    return ids;
  }

  /**
   * Encodes a batch into a row-major [texts, contextLength] array with zeros after each end token.
   * Throws a ValidationError for a text longer than `contextLength` tokens unless `truncate` is set.
   */
  tokenize(texts: string | readonly string[], options: TokenizeOptions = {}): Int32Array {
    const batch = typeof texts === 'string' ? [texts] : texts;
    const contextLength = options.contextLength ?? clipContextLength;
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new ValidationError(`contextLength ${contextLength} is not valid. Use an integer of at least 2, which leaves room for the start and end tokens.`);
    }

    const rows = new Int32Array(batch.length * contextLength);
    batch.forEach((text, index) => {
      const ids = this.fitToContext(this.encode(text), contextLength, options.truncate ?? false, index, text);
      rows.set(ids, index * contextLength);
    });
    return rows;
  }

  /**
   * Turns ids back into text, one space after each word, without the trailing one.
   * Start tokens are skipped and decoding stops at the first end token, so a padded row decodes whole.
   * CLIP's tokens do not record whether a word was followed by a space, so "cat." comes back as "cat .".
   */
  decode(ids: ArrayLike<number>): string {
    let symbols = '';
    for (let position = 0; position < ids.length; position++) {
      const id = ids[position];
      if (id === this.endTokenId) break;
      if (id === this.startTokenId) continue;
      symbols += this.tokenSymbols(id, position);
    }
    const text = symbolsToText(symbols);
    return text.endsWith(' ') ? text.slice(0, -1) : text;
  }

  private fitToContext(ids: number[], contextLength: number, truncate: boolean, index: number, text: string): number[] {
    if (ids.length <= contextLength) return ids;
    if (!truncate) {
      const preview = text.length > 40 ? `${text.slice(0, 40)}…` : text;
      throw new ValidationError(
        `Text ${index} ("${preview}") encodes to ${ids.length} tokens, more than the context length of ${contextLength}. Shorten it or tokenize with truncate: true.`,
      );
    }
    const truncated = ids.slice(0, contextLength);
    truncated[contextLength - 1] = this.endTokenId;
    return truncated;
  }

  private specialTokenId(piece: string): number | undefined {
    if (piece === this.vocabulary.tokens[this.startTokenId]) return this.startTokenId;
    if (piece === this.vocabulary.tokens[this.endTokenId]) return this.endTokenId;
    return undefined;
  }

  private tokenId(token: string): number {
    const id = this.vocabulary.tokenIds.get(token);
    // Loading checks that every byte symbol and every merge result has an id, so BPE output always does.
    if (id === undefined) throw new InternalError(`BPE produced the token "${token}", which has no id in the vocabulary.`);
    return id;
  }

  /** Byte symbols of one token, with the end-of-word suffix written as a space symbol. */
  private tokenSymbols(id: number, position: number): string {
    const token = Number.isInteger(id) ? this.vocabulary.tokens[id] : undefined;
    if (token === undefined) {
      throw new ValidationError(`Id ${id} at position ${position} is not a token id. Ids run from 0 to ${this.vocabularySize - 1}.`);
    }
    if (!token.endsWith(endOfWordSuffix)) return token;
    return token.slice(0, -endOfWordSuffix.length) + byteSymbols[0x20];
  }
}
