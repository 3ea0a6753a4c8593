import { describe, expect, it } from 'vitest';
import { findContradictions } from '../../main/prompts/contradictions';
import { checkReply, countSentences, tidyReply } from '../../main/prompts/reply-checks';
import { diffWords } from '../../main/prompts/text-diff';

const longLowerBody = { attribute: 'down', value: 1, meaning: 'long lower-body clothing' };

describe('reply checks', () => {
  it('passes a clean one-sentence reply', () => {
    expect(checkReply('A man in long trousers and a black coat.', [longLowerBody, { attribute: 'gender', value: 1 }], 300)).toEqual([]);
  });

  it('flags an empty reply', () => {
    expect(checkReply('   ', [], 300).map((failure) => failure.check)).toEqual(['empty']);
  });

  it('flags more than one sentence', () => {
    const failures = checkReply('A man walks. He wears a hat.', [], 300);

    expect(failures.map((failure) => failure.check)).toEqual(['sentences']);
    expect(failures[0].message).toContain('2 sentences');
  });

  it('flags a reply over the length limit', () => {
    const failures = checkReply(`A person ${'very '.repeat(100)}tall.`, [], 300);

    expect(failures.map((failure) => failure.check)).toEqual(['length']);
  });

  it('flags shorts when the labels say long lower-body clothing', () => {
    const failures = checkReply('A woman wearing blue shorts.', [longLowerBody], 300);

    expect(failures).toHaveLength(1);
    expect(failures[0].check).toBe('contradiction');
    expect(failures[0].message).toBe('"shorts" contradicts the label down = 1 (long lower-body clothing).');
  });

  it('ignores negated mentions', () => {
    expect(findContradictions('A man without a hat and with no backpack.', [{ attribute: 'hat', value: 1 }, { attribute: 'backpack', value: 1 }])).toEqual([]);
    expect(findContradictions('A man with a black hat.', [{ attribute: 'hat', value: 1 }])).toEqual([{ attribute: 'hat', value: 1, phrase: 'hat' }]);
  });

  it('matches whole words only', () => {
    expect(findContradictions('A woman with a handbag.', [{ attribute: 'gender', value: 2 }, { attribute: 'bag', value: 1 }])).toEqual([]);
    expect(findContradictions('A man with a handbag.', [{ attribute: 'gender', value: 2 }])).toEqual([{ attribute: 'gender', value: 2, phrase: 'man' }]);
  });

  it('counts sentences split by lines', () => {
    expect(countSentences('One sentence without a stop')).toBe(1);
    expect(countSentences('First line\nsecond line')).toBe(2);
    expect(countSentences('A person in a T-shirt, jeans and sneakers.')).toBe(1);
  });

  it('strips wrapping quotes', () => {
    expect(tidyReply('  "A man in a red coat."  ')).toBe('A man in a red coat.');
    expect(tidyReply('\u201CA man.\u201D')).toBe('A man.');
    expect(tidyReply('"A" man "B"')).toBe('"A" man "B"');
  });
});

describe('word diff', () => {
  it('rebuilds both texts from the segments', () => {
    const before = 'A man wearing a red coat.';
    const after = 'A tall man wearing a blue coat and boots.';

    const segments = diffWords(before, after);

    expect(segments.filter((s) => s.op !== 'insert').map((s) => s.text).join('')).toBe(before);
    expect(segments.filter((s) => s.op !== 'delete').map((s) => s.text).join('')).toBe(after);
    expect(segments.filter((s) => s.op === 'delete').map((s) => s.text.trim())).toContain('red');
    expect(segments.filter((s) => s.op === 'insert').map((s) => s.text.trim())).toContain('blue');
  });
});
