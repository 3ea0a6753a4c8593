import { copyFileSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../main/datasets/import-dataset';
import type { Db } from '../../main/db/workspace';
import { CancelledError, DatasetFormatError, NotFoundError, ValidationError } from '../../main/errors';
import { type ProgressReporter, silentProgress } from '../../main/jobs/progress';
import { dukeSubset, marketAttributes, marketSamples, materialise, openTestWorkspace, rowCounts, type SubsetFile, useTempDirs } from './fixtures';
import { attributePart, mat, writeMatFile } from './mat-writer';

const tempDir = useTempDirs();

/** A workspace that already contains one dataset, so "unchanged" covers existing rows too. */
let db: Db;
let countsBefore: ReturnType<typeof rowCounts>;

beforeEach(async () => {
  db = openTestWorkspace(tempDir('workspace'));
  await importDataset(db, { datasetDir: materialise(join(tempDir('existing'), 'existing'), dukeSubset()) }, silentProgress());
  countsBefore = rowCounts(db);
});

async function expectRejected(request: Parameters<typeof importDataset>[1], errorClass: new (...args: never[]) => Error, message: RegExp, progress = silentProgress()) {
  const attempt = importDataset(db, request, progress);
  await expect(attempt).rejects.toBeInstanceOf(errorClass);
  await expect(attempt).rejects.toThrow(message);
  expect(rowCounts(db)).toEqual(countsBefore);
}

/** Builds the Duke subset plus one gallery file with the given bytes. */
function dukeFolderWith(name: string, bytes: Buffer | string): string {
  const root = materialise(join(tempDir('bad'), 'bad'), dukeSubset());
  writeFileSync(join(root, 'bounding_box_test', name), bytes);
  return root;
}

describe('importDataset rejects', () => {
  it('missing folder', async () => {
    await expectRejected({ datasetDir: join(tempDir('missing'), 'nowhere') }, NotFoundError, /nowhere does not exist/);
  });

  it('file instead of folder', async () => {
    const file = join(tempDir('file'), 'dataset.jpg');
    writeFileSync(file, 'x');
    await expectRejected({ datasetDir: file }, ValidationError, /is a file, not a folder/);
  });

  it('folder without split folders', async () => {
    const root = tempDir('plain');
    mkdirSync(join(root, 'images'));
    await expectRejected({ datasetDir: root }, DatasetFormatError, /no query and bounding_box_test subfolder.*Subfolders found: images/);
  });

  it('names of no layout', async () => {
    const source = dukeSubset()[0].source;
    const files: SubsetFile[] = [
      { split: 'query', name: 'IMG_0001.jpg', source },
      { split: 'gallery', name: 'IMG_0002.jpg', source },
    ];
    const root = materialise(tempDir('phone'), files);
    await expectRejected({ datasetDir: root }, DatasetFormatError, /matches neither.*0005_c2_f0046985\.jpg \(DukeMTMC-reID\).*query\/IMG_0001\.jpg/);
  });

  it('unrecognised names', async () => {
    // The real sample folder contains two names with a stray leading letter.
    const files: SubsetFile[] = readdirSync(marketSamples).map((name) => ({ split: name.startsWith('00') ? 'query' : 'gallery', name, source: join(marketSamples, name) }));
    const root = materialise(tempDir('market'), files);
    await expectRejected({ datasetDir: root }, DatasetFormatError, /has 2 image names outside its pattern.*bounding_box_test\/l0387_c6s2_006743_00\.jpg, bounding_box_test\/l1255_c3s3_021678_00\.jpg\./);
  });

  it('zero-byte image', async () => {
    await expectRejected({ datasetDir: dukeFolderWith('0002_c1_f0000001.jpg', '') }, DatasetFormatError, /1 empty \(zero-byte\) file: bounding_box_test\/0002_c1_f0000001\.jpg/);
  });

  it('corrupt image header', async () => {
    await expectRejected({ datasetDir: dukeFolderWith('0002_c1_f0000001.jpg', 'this is not a JPEG') }, DatasetFormatError, /1 file without a readable JPEG or PNG header.*0002_c1_f0000001\.jpg/);
  });

  it('truncated image', async () => {
    const truncated = readFileSync(dukeSubset()[0].source).subarray(0, 100);
    await expectRejected({ datasetDir: dukeFolderWith('0002_c1_f0000001.jpg', truncated) }, DatasetFormatError, /corrupt, truncated, or another format/);
  });

  it('WebP image names its format', async () => {
    const webp = await sharp(dukeSubset()[0].source).webp().toBuffer();
    await expectRejected({ datasetDir: dukeFolderWith('0002_c1_f0000001.jpg', webp) }, DatasetFormatError, /another format such as WebP.*0002_c1_f0000001\.jpg/);
  });

  it('empty query split', async () => {
    const root = materialise(tempDir('empty'), dukeSubset().filter((file) => file.split !== 'query'));
    mkdirSync(join(root, 'query'));
    writeFileSync(join(root, 'query', 'Thumbs.db'), 'x');
    await expectRejected({ datasetDir: root }, DatasetFormatError, /query contains no usable images/);
  });

  it('empty train split', async () => {
    const root = materialise(tempDir('empty'), dukeSubset().filter((file) => file.split !== 'train'));
    mkdirSync(join(root, 'bounding_box_train'));
    await expectRejected({ datasetDir: root }, DatasetFormatError, /bounding_box_train contains no usable images.*evaluation only/);
  });

  it('only junk in a split', async () => {
    const source = join(marketSamples, '0002_c2s1_000351_01.jpg');
    const root = materialise(tempDir('junk'), [
      { split: 'query', name: '-1_c1s1_000001_00.jpg', source },
      { split: 'gallery', name: '0002_c2s1_000351_01.jpg', source },
    ]);
    await expectRejected({ datasetDir: root }, DatasetFormatError, /query contains no usable images \(junk/);
  });

  it('distractor in query', async () => {
    const source = join(marketSamples, '0000_c3s1_107067_00.jpg');
    const root = materialise(tempDir('distractor'), [
      { split: 'query', name: '0000_c3s1_107067_00.jpg', source },
      { split: 'gallery', name: '0002_c2s1_000351_01.jpg', source: join(marketSamples, '0002_c2s1_000351_01.jpg') },
    ]);
    await expectRejected({ datasetDir: root }, DatasetFormatError, /1 distractor image .*outside bounding_box_test: query\/0000_c3s1_107067_00\.jpg/);
  });

  it('duplicate name', async () => {
    const root = materialise(join(tempDir('again'), 'existing'), dukeSubset());
    await expectRejected({ datasetDir: root }, ValidationError, /named "existing" already exists/);
  });

  it('bad attribute file', async () => {
    const file = join(tempDir('attributes'), 'bad.mat');
    const part = attributePart([5, 19], { gender: [1, 3] });
    writeFileSync(file, writeMatFile({ duke_attribute: mat.struct({ train: part, test: attributePart([2], { gender: [2] }) }) }));
    const root = materialise(join(tempDir('duke'), 'duke'), dukeSubset());
    await expectRejected({ datasetDir: root, attributesFile: file }, DatasetFormatError, /train\.gender .* code 3 for identity 0019/);
  });

  it('attribute file of other layout', async () => {
    const root = materialise(join(tempDir('duke'), 'duke'), dukeSubset());
    await expectRejected({ datasetDir: root, attributesFile: marketAttributes }, DatasetFormatError, /belongs to Market-1501/);
  });

  it('cancelled import', async () => {
    const controller = new AbortController();
    const progress: ProgressReporter = { ...silentProgress(controller.signal), update: (phase) => phase === 'import' && controller.abort() };
    const root = materialise(join(tempDir('duke'), 'duke'), dukeSubset());
    await expectRejected({ datasetDir: root }, CancelledError, /cancelled/, progress);
  });
});

describe('importDataset at 100k files', () => {
  /**
   * Writes `count` Market names spread over the three splits. Hard links keep
   * disk use and setup time low; each source file gets at most 20,000 links
   * because ext4 caps a file at 65,000.
   */
  function bigFolder(count: number, linkTo: string | null): string {
    const root = tempDir('big');
    for (const folder of ['bounding_box_train', 'bounding_box_test', 'query']) mkdirSync(join(root, 'dataset', folder), { recursive: true });
    let source = '';
    for (let i = 0; i < count; i += 1) {
      let folder = i % 2 === 1 ? 'bounding_box_test' : 'bounding_box_train';
      if (i % 10 === 0) folder = 'query';
      const name = `${String(1 + (i % 1500)).padStart(4, '0')}_c${1 + (i % 6)}s1_${String(i).padStart(6, '0')}_00.jpg`;
      const target = join(root, 'dataset', folder, name);
      if (linkTo === null) {
        writeFileSync(target, '');
        continue;
      }
      if (i % 20_000 === 0) {
        source = join(root, `source-${i}.jpg`);
        copyFileSync(linkTo, source);
      }
      linkSync(source, target);
    }
    return join(root, 'dataset');
  }

  it('imports 100k images', async () => {
    const root = bigFolder(100_000, join(marketSamples, '0002_c2s1_000351_01.jpg'));
    const report = await importDataset(db, { datasetDir: root, name: 'big' }, silentProgress());
    expect(report.splits.train.images + report.splits.query.images + report.splits.gallery.images).toBe(100_000);
    expect(report.splits.query.images).toBe(10_000);
    expect(rowCounts(db).images).toBe(countsBefore.images + 100_000);
  });

  it('rejects 100k empty files', async () => {
    // The examples are the first names in sorted order, whatever order the concurrent reads finish in.
    const root = bigFolder(100_000, null);
    await expectRejected({ datasetDir: root }, DatasetFormatError, /100000 empty \(zero-byte\) files: bounding_box_train\/0003_c3s1_000002_00\.jpg, bounding_box_train\/0003_c3s1_001502_00\.jpg, .*, and 99995 more\./);
  });
});
