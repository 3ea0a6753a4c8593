import { describe, expect, it } from 'vitest';
import { fixText, normalizeClipText } from '../../../main/ml/tokenizer/normalize-text';

describe('normalizeClipText', () => {
  it('collapses whitespace, strips and lower-cases', () => {
    expect(normalizeClipText('  A  Man\tIN\n\nRed\u00a0\u3000Coat  ')).toBe('a man in red coat');
  });

  it('unescapes HTML twice', () => {
    expect(normalizeClipText('Tom &amp;amp; Jerry &amp;lt;3')).toBe('tom & jerry <3');
  });

  it('unescapes a third level without angle brackets', () => {
    expect(normalizeClipText('&amp;amp;amp;')).toBe('&');
    expect(normalizeClipText('<&amp;amp;amp;')).toBe('<&amp;');
  });

  it('lower-cases final sigma and dotted capitals', () => {
    expect(normalizeClipText('ΟΔΟΣ')).toBe('οδος');
    expect(normalizeClipText('İ')).toBe('i\u0307');
  });

  it('decodes only earlier lines before markup', () => {
    expect(normalizeClipText('a &amp;amp;amp; b\n<i>&amp;amp;amp;</i>')).toBe('a & b <i>&amp;</i>');
  });

  it('composes to NFC', () => {
    expect(normalizeClipText('Cafe\u0301')).toBe('caf\u00e9');
  });
});

describe('fixText', () => {
  it('straightens curly quotes', () => {
    expect(fixText('\u2018don\u2019t\u2019 \u201cso\u201d \u201ehere\u201f it\u02bcs')).toBe(`'don't' "so" "here" it's`);
  });

  it('splits ligatures and narrows fullwidth letters', () => {
    expect(fixText('\ufb01sh \ufb02ag \u0133')).toBe('fish flag ij');
    expect(fixText('\uff28\uff49\uff01\u3000\uff11')).toBe('Hi! 1');
  });

  it('removes terminal escapes and control characters', () => {
    expect(fixText('\x1b[31mred\x1b[0m')).toBe('red');
    expect(fixText('a\u0000b\u0007c\ufeffd\u206ae\ufffcf')).toBe('abcdef');
    expect(fixText('tab\tand\nline')).toBe('tab\tand\nline');
  });

  it('decodes HTML until the text settles', () => {
    expect(fixText('&amp;amp;amp;lt;')).toBe('<');
    expect(fixText('&amp no semicolon')).toBe('&amp no semicolon');
  });

  it('stops decoding HTML from a line with markup', () => {
    expect(fixText('a &amp; b\n<i>&amp;</i>\nc &amp; d')).toBe('a & b\n<i>&amp;</i>\nc &amp; d');
  });

  it('reads C1 controls as Windows-1252', () => {
    expect(fixText('\u0093quoted\u0094 \u0080')).toBe('"quoted" \u20ac');
  });
});
