import { describe, expect, it } from 'vitest';
import { byteSymbols, bytesToSymbols, symbolBytes, symbolsToText, vocabularyByteSymbols } from '../../../main/ml/tokenizer/byte-symbols';

describe('byte symbols', () => {
  it('gives each byte a distinct visible symbol', () => {
    expect(byteSymbols).toHaveLength(256);
    expect(new Set(byteSymbols).size).toBe(256);
    for (const symbol of byteSymbols) expect(symbol).toMatch(/^[^\p{White_Space}\p{Cc}]$/u);
  });

  it('keeps printable bytes and shifts the rest', () => {
    expect(byteSymbols[0x61]).toBe('a');
    expect(byteSymbols[0xe9]).toBe('é');
    expect(byteSymbols[0x00]).toBe('\u0100');
    expect(byteSymbols[0x20]).toBe('\u0120');
    expect(byteSymbols[0xad]).toBe('\u0143');
  });

  it('orders vocabulary symbols printable first', () => {
    expect(vocabularyByteSymbols[0]).toBe('!');
    expect(vocabularyByteSymbols[64]).toBe('a');
    expect(vocabularyByteSymbols[188]).toBe('\u0100');
    expect(vocabularyByteSymbols[255]).toBe('\u0143');
    expect(new Set(vocabularyByteSymbols)).toEqual(new Set(byteSymbols));
  });

  it('round-trips UTF-8 text', () => {
    const text = 'naïve 😀 中文 \u0000 tab\t';

    const symbols = bytesToSymbols(text);

    expect(Array.from(symbols)).toHaveLength(new TextEncoder().encode(text).length);
    expect(symbolsToText(symbols)).toBe(text);
  });

  it('replaces an invalid byte sequence', () => {
    const truncatedEmoji = [0xf0, 0x9f, 0x98].map((byte) => byteSymbols[byte]).join('');

    expect(symbolsToText(`a${truncatedEmoji}`)).toBe('a\ufffd');
  });

  it('maps symbols back to bytes', () => {
    for (let byte = 0; byte < 256; byte++) expect(symbolBytes.get(byteSymbols[byte])).toBe(byte);
  });
});
