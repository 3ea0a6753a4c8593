import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../main/errors';
import { byteSymbols } from '../../../main/ml/tokenizer/byte-symbols';
import { clipMergeCount, loadClipTokenizer, loadClipVocabulary, type ClipVocabulary } from '../../../main/ml/tokenizer';
import { clipVocabularyFile, readMergeLines } from './clip-vocabulary-file';

const dir = mkdtempSync(join(tmpdir(), 'mpreid-tokenizer-'));
const pairDir = join(dir, 'pair');
let original: ClipVocabulary;

/**
 * Writes a Hugging Face style pair from the original file: vocab.json lists
 * tokens in reverse id order so that the loader must go by id, not position.
 */
function writeHuggingFacePair(folder: string, vocabulary: ClipVocabulary, mergeLines: string[]): void {
  mkdirSync(folder, { recursive: true });
  const entries = vocabulary.tokens.map((token, id) => [token, id] as const).reverse();
  writeFileSync(join(folder, 'vocab.json'), JSON.stringify(Object.fromEntries(entries)));
  writeFileSync(join(folder, 'merges.txt'), `#version: 0.2\n${mergeLines.join('\n')}\n`);
}

function writeFile(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  original = await loadClipVocabulary(clipVocabularyFile);
  writeHuggingFacePair(pairDir, original, readMergeLines().slice(0, clipMergeCount));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadClipVocabulary', () => {
  it('reads the original merges list', () => {
    expect(original.tokens).toHaveLength(49408);
    expect(original.mergeRanks.size).toBe(clipMergeCount);
    expect(original.tokens[320]).toBe('a</w>');
    expect(original.tokens[49406]).toBe('<|startoftext|>');
    expect(original.tokens[49407]).toBe('<|endoftext|>');
  });

  it('reads the Hugging Face pair like the original', async () => {
    const pair = await loadClipVocabulary(pairDir);

    expect(pair.tokens).toEqual(original.tokens);
    expect(pair.mergeRanks).toEqual(original.mergeRanks);
    expect(pair.startTokenId).toBe(49406);
    expect(pair.endTokenId).toBe(49407);
  });

  it('encodes alike from both sources', async () => {
    const fromOriginal = await loadClipTokenizer(clipVocabularyFile);
    const fromPair = await loadClipTokenizer({ vocabFile: join(pairDir, 'vocab.json'), mergesFile: join(pairDir, 'merges.txt') });
    const texts = ['a photo of a cat', 'A woman in a long red dress, carrying 2 bags!', 'naïve café 😀 中文', 'zqxvjkwp'];

    expect(fromPair.tokenize(texts)).toEqual(fromOriginal.tokenize(texts));
  });

  it('finds the pair from vocab.json', async () => {
    const pair = await loadClipVocabulary(join(pairDir, 'vocab.json'));

    expect(pair.tokens).toHaveLength(49408);
  });

  it('reads an uncompressed merges list', async () => {
    const plain = writeFile('merges-plain.txt', `#version: 0.2\n${readMergeLines().slice(0, clipMergeCount).join('\n')}\n`);

    const vocabulary = await loadClipVocabulary(plain);

    expect(vocabulary.tokens).toEqual(original.tokens);
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'absent.txt.gz');

    await expect(loadClipVocabulary(missing)).rejects.toThrow(NotFoundError);
    await expect(loadClipVocabulary(missing)).rejects.toThrow(missing);
  });

  it('names a folder without the pair', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);

    await expect(loadClipVocabulary(empty)).rejects.toThrow(join(empty, 'vocab.json'));
  });

  it('rejects a damaged gzip file', async () => {
    const gzipped = gzipSync(readFileSync(clipVocabularyFile).subarray(0, 1000));
    const damaged = writeFile('damaged.txt.gz', gzipped.subarray(0, 40));

    await expect(loadClipVocabulary(damaged)).rejects.toThrow(ValidationError);
    await expect(loadClipVocabulary(damaged)).rejects.toThrow(`${damaged} starts like a gzip file but cannot be decompressed`);
  });

  it('rejects a short merges list', async () => {
    const short = writeFile('short.txt', '#version: 0.2\ni n\nt h\n');

    await expect(loadClipVocabulary(short)).rejects.toThrow(`${short} has 2 merges after its header line, but CLIP needs 48894`);
  });

  it('rejects a malformed merge line', async () => {
    const lines = readMergeLines().slice(0, clipMergeCount);
    lines[9] = 'three parts here';
    const malformed = writeFile('malformed.txt', `header\n${lines.join('\n')}`);

    await expect(loadClipVocabulary(malformed)).rejects.toThrow(`Line 11 of ${malformed} is "three parts here"`);
  });

  it('rejects a binary file', async () => {
    const binary = writeFile('binary.bin', Uint8Array.of(0xff, 0xfe, 0x00, 0x80));

    await expect(loadClipVocabulary(binary)).rejects.toThrow(`${binary} is not UTF-8 text`);
  });
});

describe('loadClipVocabulary with vocab.json', () => {
  const mergesFile = () => join(pairDir, 'merges.txt');

  function vocabWith(change: (entries: Record<string, unknown>) => void): string {
    const entries: Record<string, unknown> = Object.fromEntries(original.tokens.map((token, id) => [token, id]));
    change(entries);
    return writeFile(`vocab-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(entries));
  }

  it('rejects invalid JSON', async () => {
    const vocabFile = writeFile('broken.json', '{"a": 1,');

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow(`${vocabFile} is not valid JSON`);
  });

  it('rejects a JSON array', async () => {
    const vocabFile = writeFile('array.json', '["a", "b"]');

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow(`${vocabFile} is not a JSON object`);
  });

  it('rejects a missing special token', async () => {
    const vocabFile = vocabWith((entries) => {
      delete entries['<|startoftext|>'];
      entries['<|endoftext|>'] = 49406;
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow('has no id for the token "<|startoftext|>"');
  });

  it('rejects a duplicate id', async () => {
    const vocabFile = vocabWith((entries) => {
      entries['<|endoftext|>'] = 320;
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow('gives the id 320 to both');
  });

  it('rejects a non-integer id', async () => {
    const vocabFile = vocabWith((entries) => {
      entries['a</w>'] = '320';
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow('gives "a</w>" the id 320, but ids must be integers');
  });

  it('rejects a missing byte token', async () => {
    const vocabFile = vocabWith((entries) => {
      const space = `${byteSymbols[0x20]}</w>`;
      entries['replacement'] = entries[space];
      delete entries[space];
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow(`has no id for the token "${byteSymbols[0x20]}</w>"`);
  });

  it('rejects a token of other characters', async () => {
    const vocabFile = vocabWith((entries) => {
      entries['a b</w>'] = entries['cat</w>'];
      delete entries['cat</w>'];
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow('contains the token "a b</w>", which is not made of byte symbols');
  });

  it('rejects a merge without an id', async () => {
    const vocabFile = vocabWith((entries) => {
      entries['zzqqxxjj</w>'] = entries['cat</w>'];
      delete entries['cat</w>'];
    });

    await expect(loadClipVocabulary({ vocabFile, mergesFile: mergesFile() })).rejects.toThrow('has no id for "cat</w>", the result of the merge');
  });
});
