import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { NotFoundError, ValidationError } from '../../errors';
import { clipMergeCount, vocabularyFromMerges, vocabularyFromTokenIds, type ClipVocabulary, type Merge } from './vocabulary';

const gunzipAsync = promisify(gunzip);

/**
 * Location of a CLIP vocabulary. A string names either the original merges
 * list (`bpe_simple_vocab_16e6.txt.gz`, gzip or plain text), or a folder holding
 * Hugging Face's `vocab.json` and `merges.txt`, or one of those two files.
 * An object names the Hugging Face pair explicitly.
 */
export type ClipVocabularySource = string | { vocabFile: string; mergesFile: string };

export async function loadClipVocabulary(source: ClipVocabularySource): Promise<ClipVocabulary> {
  if (typeof source !== 'string') return loadHuggingFacePair(source.vocabFile, source.mergesFile);

  const kind = await pathKind(source);
  if (kind === 'directory') return loadHuggingFacePair(join(source, 'vocab.json'), join(source, 'merges.txt'));
  if (basename(source) === 'vocab.json' || basename(source) === 'merges.txt') {
    return loadHuggingFacePair(join(dirname(source), 'vocab.json'), join(dirname(source), 'merges.txt'));
  }
  return loadOriginalMerges(source);
}

/** Reads CLIP's own merges list: a header line, then one merge per line, of which CLIP uses the first 48,894. */
async function loadOriginalMerges(filePath: string): Promise<ClipVocabulary> {
  const lines = splitLines(await readText(filePath)).slice(1);
  if (lines.length < clipMergeCount) {
    throw new ValidationError(`${filePath} has ${lines.length} merges after its header line, but CLIP needs ${clipMergeCount}. Use the complete bpe_simple_vocab_16e6.txt.gz.`);
  }
  const merges = lines.slice(0, clipMergeCount).map((line, index) => parseMerge(line, index + 2, filePath));
  return vocabularyFromMerges(merges);
}

async function loadHuggingFacePair(vocabFile: string, mergesFile: string): Promise<ClipVocabulary> {
  const tokenIds = parseVocabJson(await readText(vocabFile), vocabFile);
  const lines = splitLines(await readText(mergesFile));
  const firstMergeLine = lines[0]?.startsWith('#version') ? 1 : 0;
  const merges = lines.slice(firstMergeLine).map((line, index) => parseMerge(line, index + firstMergeLine + 1, mergesFile));
  return vocabularyFromTokenIds(tokenIds, merges, `${vocabFile} with ${basename(mergesFile)}`);
}

function parseVocabJson(text: string, filePath: string): Map<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${filePath} is not valid JSON (${(error as Error).message}). Expected a Hugging Face vocab.json object that maps tokens to ids.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`${filePath} is not a JSON object. Expected a Hugging Face vocab.json object that maps tokens to ids.`);
  }
  return new Map(Object.entries(parsed).map(([token, id]) => [token, id as number]));
}

function parseMerge(line: string, lineNumber: number, filePath: string): Merge {
  const parts = line.split(' ');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new ValidationError(`Line ${lineNumber} of ${filePath} is "${line.slice(0, 60)}", but a merge line must be two tokens separated by one space.`);
  }
  return [parts[0], parts[1]];
}

/** Splits on line breaks, dropping the empty line after a final newline. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Reads a UTF-8 text file, gunzipping it first when it starts with the gzip magic bytes. */
async function readText(filePath: string): Promise<string> {
  let bytes: Uint8Array = await readBytes(filePath);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      throw new ValidationError(`${filePath} starts like a gzip file but cannot be decompressed (${(error as Error).message}). The file is damaged or incomplete.`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError(`${filePath} is not UTF-8 text. Expected a CLIP vocabulary file.`);
  }
}

async function readBytes(filePath: string): Promise<Buffer> {
  try {
    return await readFile(filePath);
  } catch (error) {
    throw fileError(filePath, error);
  }
}

async function pathKind(path: string): Promise<'directory' | 'file'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    throw fileError(path, error);
  }
}

function fileError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new NotFoundError(`CLIP vocabulary file ${path} does not exist. Pass the path of bpe_simple_vocab_16e6.txt.gz or of a folder with vocab.json and merges.txt.`);
  if (code === 'EISDIR') return new ValidationError(`${path} is a folder, but a CLIP vocabulary file was expected there.`);
  return new ValidationError(`Cannot read CLIP vocabulary file ${path}: ${(error as Error).message}`, { cause: error });
}
