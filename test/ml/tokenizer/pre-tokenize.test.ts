import { describe, expect, it } from 'vitest';
import { preTokenize } from '../../../main/ml/tokenizer/pre-tokenize';

describe('preTokenize', () => {
  it('splits letters, single digits and punctuation runs', () => {
    expect(preTokenize('camera 12, id-0042!!')).toEqual(['camera', '1', '2', ',', 'id', '-', '0', '0', '4', '2', '!!']);
  });

  it('splits contraction suffixes', () => {
    expect(preTokenize("it's we're i'm you'll she'd they've can't")).toEqual([
      'it', "'s", 'we', "'re", 'i', "'m", 'you', "'ll", 'she', "'d", 'they', "'ve", 'can', "'t",
    ]);
  });

  it('keeps an unlisted apostrophe with punctuation', () => {
    expect(preTokenize("o'neill 'x")).toEqual(['o', "'", 'neill', "'", 'x']);
  });

  it('matches special tokens whole', () => {
    expect(preTokenize('<|startoftext|>a<|endoftext|><|other|>')).toEqual(['<|startoftext|>', 'a', '<|endoftext|>', '<|', 'other', '|>']);
  });

  it('treats non-Latin letters and digits by Unicode class', () => {
    expect(preTokenize('中文字 δοκιμή ٣٤ 😀👍')).toEqual(['中文字', 'δοκιμή', '٣', '٤', '😀👍']);
  });

  it('splits a combining mark from its letter', () => {
    expect(preTokenize('e\u0301x')).toEqual(['e', '\u0301', 'x']);
  });
});
