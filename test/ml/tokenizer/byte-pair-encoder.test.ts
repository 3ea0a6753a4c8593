import { describe, expect, it } from 'vitest';
import { BytePairEncoder } from '../../../main/ml/tokenizer/byte-pair-encoder';

function ranks(...merges: string[]): Map<string, number> {
  return new Map(merges.map((merge, rank) => [merge, rank]));
}

describe('BytePairEncoder', () => {
  it('marks the last symbol as end of word', () => {
    const encoder = new BytePairEncoder(ranks());

    expect(encoder.encodeWord('abc')).toEqual(['a', 'b', 'c</w>']);
    expect(encoder.encodeWord('x')).toEqual(['x</w>']);
  });

  it('applies merges lowest rank first', () => {
    const encoder = new BytePairEncoder(ranks('b c</w>', 'a b', 'a bc</w>'));

    // "b c</w>" outranks "a b", so "ab" never forms and "a" joins "bc</w>".
    expect(encoder.encodeWord('abc')).toEqual(['abc</w>']);
  });

  it('merges every occurrence left to right', () => {
    const encoder = new BytePairEncoder(ranks('a a'));

    expect(encoder.encodeWord('aaab')).toEqual(['aa', 'a', 'b</w>']);
    expect(encoder.encodeWord('aaaa')).toEqual(['aa', 'a', 'a</w>']);
  });

  it('distinguishes end-of-word pairs', () => {
    const encoder = new BytePairEncoder(ranks('o n</w>', 'o n'));

    expect(encoder.encodeWord('onon')).toEqual(['on', 'on</w>']);
  });

  it('reuses cached words until the cache is full', () => {
    const encoder = new BytePairEncoder(ranks('h i</w>'), 2);

    const first = encoder.encodeWord('hi');
    expect(encoder.encodeWord('hi')).toBe(first);

    encoder.encodeWord('x');
    encoder.encodeWord('y');
    const afterClear = encoder.encodeWord('hi');

    expect(afterClear).not.toBe(first);
    expect(afterClear).toEqual(['hi</w>']);
  });
});
