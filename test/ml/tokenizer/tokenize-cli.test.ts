import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clipVocabularyFile } from './clip-vocabulary-file';

const cli = resolve(import.meta.dirname, '../../../bin/mpreid.mjs');

function mpreid(args: string[], environment: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, MPREID_LOG_STDERR: '0', ...environment };
  if (!environment.MPREID_CLIP_VOCAB) delete env.MPREID_CLIP_VOCAB;
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mpreid tokenize', () => {
  it('prints ids on one line with --json', () => {
    const result = mpreid(['tokenize', '--vocab', clipVocabularyFile, 'a photo of a cat', '--json']);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('[49406,320,1125,539,320,2368,49407]');
  });

  it('prints a JSON array by default', () => {
    const result = mpreid(['tokenize', '--vocab', clipVocabularyFile, 'A Photo of a CAT']);

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  it('reads the vocabulary from the environment', () => {
    const result = mpreid(['tokenize', 'a photo of a cat'], { MPREID_CLIP_VOCAB: clipVocabularyFile });

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  it('names both sources when none is given', () => {
    const result = mpreid(['tokenize', 'a photo of a cat']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--vocab');
    expect(result.stderr).toContain('MPREID_CLIP_VOCAB');
  });

  it('names a missing vocabulary file', () => {
    const missing = resolve('absent-vocabulary.txt.gz');

    const result = mpreid(['tokenize', '--vocab', missing, 'a cat']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${missing} does not exist`);
  });

  it('rejects a missing or extra text', () => {
    expect(mpreid(['tokenize', '--vocab', clipVocabularyFile]).stderr).toContain('Missing TEXT');
    expect(mpreid(['tokenize', '--vocab', clipVocabularyFile, 'a', 'cat']).stderr).toContain('takes one TEXT but got 2');
  });

  it('shows its options with --help', () => {
    const result = mpreid(['tokenize', '--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: mpreid tokenize TEXT');
    expect(result.stdout).toContain('--vocab');
    expect(result.stdout).toContain('MPREID_CLIP_VOCAB');
  });
});
