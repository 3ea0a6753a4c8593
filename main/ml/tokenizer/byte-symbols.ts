import { InternalError } from '../../errors';

/**
 * The byte-to-symbol table of GPT-2 and CLIP byte-level BPE. Every byte gets one
 * printable Unicode character so that merges can be stored as plain text: the
 * printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, and
 * each remaining byte, in ascending order, takes the next code point from U+0100.
 */

function isPrintableByte(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
}

function buildByteSymbols(): string[] {
  const symbols = new Array<string>(256);
  let nextCodePoint = 256;
  for (let byte = 0; byte < 256; byte++) {
    symbols[byte] = String.fromCodePoint(isPrintableByte(byte) ? byte : nextCodePoint++);
  }
  return symbols;
}

/** Symbol of each byte value, indexed by byte. */
export const byteSymbols: readonly string[] = buildByteSymbols();

/** Byte value of each symbol, the inverse of `byteSymbols`. */
export const symbolBytes: ReadonlyMap<string, number> = new Map(byteSymbols.map((symbol, byte) => [symbol, byte]));

/**
 * The 256 symbols in CLIP's vocabulary order, which gives them ids 0..255 (and
 * 256..511 with the `</w>` suffix): printable bytes first in byte order, then
 * the remapped bytes in byte order.
 */
export const vocabularyByteSymbols: readonly string[] = [
  ...byteSymbols.filter((_, byte) => isPrintableByte(byte)),
  ...byteSymbols.filter((_, byte) => !isPrintableByte(byte)),
];

/** Maps each UTF-8 byte of `text` to its symbol. */
export function bytesToSymbols(text: string): string {
  let symbols = '';
  for (const byte of new TextEncoder().encode(text)) symbols += byteSymbols[byte];
  return symbols;
}

/** Maps symbols back to bytes and decodes them as UTF-8, replacing invalid sequences with U+FFFD. */
export function symbolsToText(symbols: string): string {
  const bytes: number[] = [];
  for (const symbol of symbols) {
    const byte = symbolBytes.get(symbol);
    if (byte === undefined) throw new InternalError(`Token text "${symbols}" contains "${symbol}", which is not a byte symbol.`);
    bytes.push(byte);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}
