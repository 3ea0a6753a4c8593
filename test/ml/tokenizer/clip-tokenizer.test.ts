import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { byteSymbols, vocabularyByteSymbols } from '../../../main/ml/tokenizer/byte-symbols';
import { clipMergeCount, loadClipTokenizer, normalizeClipText, type ClipTokenizer } from '../../../main/ml/tokenizer';
import { clipVocabularyFile, readMergeLines } from './clip-vocabulary-file';

const start = 49406;
const end = 49407;

let tokenizer: ClipTokenizer;
let mergeLines: string[];

beforeAll(async () => {
  tokenizer = await loadClipTokenizer(clipVocabularyFile);
  mergeLines = readMergeLines().slice(0, clipMergeCount);
});

/** Id of a whole-word token, found from its merge line: merge n creates id 512 + n. */
function wordIdFromMerges(word: string): number {
  const index = mergeLines.findIndex((line) => line.replace(' ', '') === `${word}</w>`);
  expect(index, `no merge creates "${word}</w>"`).toBeGreaterThanOrEqual(0);
  return 512 + index;
}

/** Id of one byte as a token, from CLIP's order of byte symbols. */
function byteId(byte: number, endOfWord: boolean): number {
  return vocabularyByteSymbols.indexOf(byteSymbols[byte]) + (endOfWord ? 256 : 0);
}

describe('ClipTokenizer', () => {
  it('encodes the reference caption', () => {
    expect(tokenizer.encode('a photo of a cat')).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  it('has the CLIP vocabulary layout', () => {
    expect(tokenizer.vocabularySize).toBe(49408);
    expect(tokenizer.startTokenId).toBe(start);
    expect(tokenizer.endTokenId).toBe(end);
  });

  it('encodes whole words as their merge id', () => {
    for (const word of ['person', 'walking', 'backpack', 'red', 'jacket', 'camera']) {
      expect(tokenizer.encode(word), word).toEqual([start, wordIdFromMerges(word), end]);
    }
  });

  it('ignores case and extra whitespace', () => {
    expect(tokenizer.encode('  A PHOTO\tof  a Cat\n')).toEqual(tokenizer.encode('a photo of a cat'));
  });

  it('splits digits and punctuation as the pattern does', () => {
    const ids = tokenizer.encode('camera 12, id-0042!!');

    expect(ids.slice(2, 4)).toEqual([byteId(0x31, true), byteId(0x32, true)]);
    expect(ids[4]).toBe(byteId(0x2c, true));
    expect(tokenizer.decode(ids)).toBe('camera 1 2 , id - 0 0 4 2 !!');
  });

  it('splits contractions', () => {
    const ids = tokenizer.encode("it's");

    expect(ids).toHaveLength(4);
    expect(ids[1]).toBe(wordIdFromMerges('it'));
    expect(tokenizer.decode(ids)).toBe("it 's");
  });

  it('falls back to byte tokens without merges', () => {
    const bytes = Array.from(new TextEncoder().encode('\u{10fffd}'));
    const symbols = bytes.map((byte) => byteSymbols[byte]);
    const mergesOfThese = mergeLines.filter((line) => line.split(' ').every((part) => symbols.includes(part.replace('</w>', ''))));
    expect(mergesOfThese).toEqual([]);

    const ids = tokenizer.encode('\u{10fffd}');

    expect(ids.slice(1, -1)).toEqual(bytes.map((byte, index) => byteId(byte, index === bytes.length - 1)));
    expect(tokenizer.decode(ids)).toBe('\u{10fffd}');
  });

  it('encodes an unknown word in pieces', () => {
    const ids = tokenizer.encode('zqxvjkwp');

    expect(ids.length).toBeGreaterThan(3);
    expect(ids.slice(1, -1).every((id) => id >= 0 && id < start)).toBe(true);
    expect(tokenizer.decode(ids)).toBe('zqxvjkwp');
  });

  it.each([
    'A man walking with a BLUE backpack and Sunglasses',
    'Straße  café naïve Ωmega ΟΔΟΣ',
    '中文字 日本語 한국어 😀',
    'Caf&eacute; &amp; Cr\u00e8me',
  ])('round-trips %j through decode', (text) => {
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(normalizeClipText(text));
  });

  it('encodes special token text as the token', () => {
    expect(tokenizer.encode('<|endoftext|>')).toEqual([start, end, end]);
  });

  it('pads a batch with zeros', () => {
    const rows = tokenizer.tokenize(['a photo of a cat', 'a dog']);

    expect(rows).toBeInstanceOf(Int32Array);
    expect(rows).toHaveLength(2 * 77);
    expect(Array.from(rows.subarray(0, 7))).toEqual(tokenizer.encode('a photo of a cat'));
    expect(rows.subarray(7, 77).every((id) => id === 0)).toBe(true);
    expect(Array.from(rows.subarray(77, 81))).toEqual(tokenizer.encode('a dog'));
    expect(rows.subarray(81).every((id) => id === 0)).toBe(true);
  });

  it('decodes a padded row up to its end token', () => {
    const rows = tokenizer.tokenize('a photo of a cat');

    expect(tokenizer.decode(rows)).toBe('a photo of a cat');
  });

  it('accepts exactly the context length', () => {
    const rows = tokenizer.tokenize('a '.repeat(75));

    expect(rows[0]).toBe(start);
    expect(rows[75]).toBe(320);
    expect(rows[76]).toBe(end);
  });

  it('truncates a long text to end with the end token', () => {
    const rows = tokenizer.tokenize('a '.repeat(100), { truncate: true });

    expect(rows).toHaveLength(77);
    expect(rows[0]).toBe(start);
    expect(rows.subarray(1, 76).every((id) => id === 320)).toBe(true);
    expect(rows[76]).toBe(end);
  });

  it('rejects a long text without truncation', () => {
    const longText = 'a '.repeat(76);

    expect(() => tokenizer.tokenize(['a cat', longText])).toThrow(ValidationError);
    expect(() => tokenizer.tokenize(['a cat', longText])).toThrow(/Text 1 .* 78 tokens, more than the context length of 77/);
  });

  it('honours a shorter context length', () => {
    const rows = tokenizer.tokenize('a photo of a cat', { contextLength: 4, truncate: true });

    expect(Array.from(rows)).toEqual([start, 320, 1125, end]);
  });

  it('rejects an invalid context length', () => {
    expect(() => tokenizer.tokenize('a cat', { contextLength: 1 })).toThrow(/contextLength 1 is not valid/);
    expect(() => tokenizer.tokenize('a cat', { contextLength: 7.5 })).toThrow(ValidationError);
  });

  it('rejects an unknown id in decode', () => {
    expect(() => tokenizer.decode([start, 49408, end])).toThrow(/Id 49408 at position 1 is not a token id/);
    expect(() => tokenizer.decode([-1])).toThrow(ValidationError);
  });

  it('returns an empty array row for empty text', () => {
    expect(tokenizer.encode('   ')).toEqual([start, end]);
    expect(tokenizer.decode([start, end])).toBe('');
  });
});
