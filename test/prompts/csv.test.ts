import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../main/prompts/csv';

describe('csv', () => {
  it('round-trips quotes, commas and newlines', () => {
    const records = [
      ['kind', 'text'],
      ['chat', 'A man, "tall", wearing a hat.'],
      ['chat', 'Line one\nline two\r\nline three'],
      ['chat', ''],
      ['chat', '  leading and trailing spaces  '],
      ['chat', '"'],
      ['chat', 'ünïcödé ✓'],
    ];

    const text = formatCsv(records);

    expect(parseCsv(text, 'test')).toEqual(records);
  });

  it('quotes only fields that need it', () => {
    expect(formatCsv([['a', 'b,c', 'd"e']])).toBe('a,"b,c","d""e"\r\n');
  });

  it('reads LF line ends and a byte order mark', () => {
    expect(parseCsv('\uFEFFa,b\nc,d\n', 'test')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads a last record without a line end', () => {
    expect(parseCsv('a,b\r\nc,', 'test')).toEqual([
      ['a', 'b'],
      ['c', ''],
    ]);
  });

  it('rejects an unclosed quote', () => {
    expect(() => parseCsv('a,"b\nc', 'file.csv')).toThrow(/file.csv: the quoted field that starts on line 1 is never closed/);
  });

  it('rejects a quote inside a plain field', () => {
    expect(() => parseCsv('a,b"c\n', 'file.csv')).toThrow(/line 1: a double quote inside a field/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('x\n"a"b,c\n', 'file.csv')).toThrow(/line 2: "b" after a closing double quote/);
  });
});
