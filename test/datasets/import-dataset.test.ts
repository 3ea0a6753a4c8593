import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { importReportSchema, type Split } from '../../main/api/schemas';
import { splitFolders } from '../../main/datasets/file-names';
import { importDataset } from '../../main/datasets/import-dataset';
import { type ProgressReporter, silentProgress } from '../../main/jobs/progress';
import {
  dukeAttributes,
  dukeSubset,
  marketAttributes,
  marketSubset,
  materialise,
  openTestWorkspace,
  personAndCamera,
  rowCounts,
  type SubsetFile,
  useTempDirs,
} from './fixtures';

const tempDir = useTempDirs();

/** Split counts derived from the fixture's own file list, junk excluded. */
function expectedSplits(files: SubsetFile[]) {
  const counts = (split: Split) => {
    const kept = files.filter((file) => file.split === split && personAndCamera(file.name).personId !== -1);
    const people = kept.map((file) => personAndCamera(file.name).personId).filter((personId) => personId !== 0);
    const cameras = [...new Set(kept.map((file) => personAndCamera(file.name).cameraId))].sort((a, b) => a - b);
    return { images: kept.length, identities: new Set(people).size, cameras };
  };
  return { train: counts('train'), query: counts('query'), gallery: counts('gallery') };
}

function recordingProgress(): ProgressReporter & { events: { phase: string; done: number; total: number }[] } {
  const events: { phase: string; done: number; total: number }[] = [];
  return { ...silentProgress(), events, update: (phase, done, total) => events.push({ phase, done, total }) };
}

describe('importDataset', () => {
  it('duke subset counts', async () => {
    const files = dukeSubset();
    const root = materialise(join(tempDir('duke'), 'duke-subset'), files);
    const db = openTestWorkspace(tempDir('workspace'));

    const report = await importDataset(db, { datasetDir: root }, silentProgress());
    expect(importReportSchema.parse(report)).toEqual(report);
    expect(report.layout).toBe('dukemtmc');
    expect(report.name).toBe('duke-subset');
    expect(report.evaluationOnly).toBe(false);
    expect(report.splits).toEqual(expectedSplits(files));
    expect(report.junkImagesDropped).toBe(0);
    expect(report.distractorImages).toBe(0);
    expect(report.attributes).toBeNull();
    expect(rowCounts(db).images).toBe(files.length);
  });

  it('duke subset image rows', async () => {
    const files = dukeSubset();
    const root = materialise(join(tempDir('duke'), 'duke-subset'), files);
    const db = openTestWorkspace(tempDir('workspace'));
    await importDataset(db, { datasetDir: root }, silentProgress());

    const rows = db
      .prepare('SELECT images.*, identities.person_id FROM images JOIN identities ON identities.id = images.identity_id')
      .all() as { split: string; camera_id: number; path: string; content_hash: string; width: number; height: number; person_id: number }[];
    for (const file of files) {
      const row = rows.find((candidate) => candidate.path === `${splitFolders[file.split]}/${file.name}`);
      expect(row, file.name).toBeDefined();
      const bytes = readFileSync(file.source);
      const metadata = await sharp(bytes).metadata();
      expect(row?.split, file.name).toBe(file.split);
      expect(row?.person_id, file.name).toBe(personAndCamera(file.name).personId);
      expect(row?.camera_id, file.name).toBe(personAndCamera(file.name).cameraId);
      expect(row?.content_hash, file.name).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect([row?.width, row?.height], file.name).toEqual([metadata.width, metadata.height]);
    }
  });

  it('duke subset attributes', async () => {
    const root = materialise(join(tempDir('duke'), 'duke-subset'), dukeSubset());
    const db = openTestWorkspace(tempDir('workspace'));
    const report = await importDataset(db, { datasetDir: root, attributesFile: dukeAttributes }, silentProgress());

    const identities = new Set(dukeSubset().map((file) => personAndCamera(file.name).personId)).size;
    expect(report.attributes?.attributeNames).toHaveLength(23);
    expect(report.attributes?.identitiesWithAttributes).toBe(identities);
    expect(report.attributes?.identitiesWithoutAttributes).toEqual([]);
    expect(report.attributes?.attributesWithoutImages).toHaveLength(702 + 1110 - identities);
    expect(rowCounts(db).attribute_schemas).toBe(23);
    expect(rowCounts(db).attribute_values).toBe(identities * 23);
  });

  it('market junk and distractors', async () => {
    const files = marketSubset();
    const root = materialise(join(tempDir('market'), 'market'), files);
    const db = openTestWorkspace(tempDir('workspace'));
    const report = await importDataset(db, { datasetDir: root, name: 'Market sample' }, silentProgress());

    expect(report.layout).toBe('market1501');
    expect(report.name).toBe('Market sample');
    expect(report.junkImagesDropped).toBe(files.filter((file) => file.name.startsWith('-1_')).length);
    expect(report.distractorImages).toBe(files.filter((file) => file.name.startsWith('0000_')).length);
    expect(report.distractorImages).toBeGreaterThan(0);
    expect(report.splits).toEqual(expectedSplits(files));

    const distractor = db.prepare("SELECT images.split FROM images JOIN identities ON identities.id = images.identity_id WHERE identities.person_id = 0").all();
    expect(distractor).toEqual([{ split: 'gallery' }]);
    const junk = db.prepare("SELECT COUNT(*) AS n FROM images WHERE path LIKE '%/-1_%'").get() as { n: number };
    expect(junk.n).toBe(0);
  });

  it('market attribute coverage', async () => {
    const files = marketSubset();
    const root = materialise(join(tempDir('market'), 'market'), files);
    const db = openTestWorkspace(tempDir('workspace'));
    const report = await importDataset(db, { datasetDir: root, attributesFile: marketAttributes }, silentProgress());

    // Market-1501_Attribute describes person ids 1 to 1501, so only 1600 lacks attributes.
    const people = new Set(files.map((file) => personAndCamera(file.name).personId).filter((personId) => personId > 0));
    expect(report.attributes?.attributeNames).toHaveLength(27);
    expect(report.attributes?.identitiesWithoutAttributes).toEqual([1600]);
    expect(report.attributes?.identitiesWithAttributes).toBe(people.size - 1);
    expect(report.attributes?.attributesWithoutImages).toHaveLength(1501 - (people.size - 1));
    for (const personId of people) expect(report.attributes?.attributesWithoutImages).not.toContain(personId);
  });

  it('evaluation-only folder', async () => {
    const files = dukeSubset().filter((file) => file.split !== 'train');
    const root = materialise(join(tempDir('duke'), 'eval'), files);
    const db = openTestWorkspace(tempDir('workspace'));
    const report = await importDataset(db, { datasetDir: root }, silentProgress());

    expect(report.evaluationOnly).toBe(true);
    expect(report.splits.train).toEqual({ images: 0, identities: 0, cameras: [] });
    expect(report.splits.query.images).toBe(files.filter((file) => file.split === 'query').length);
    const stored = db.prepare('SELECT evaluation_only FROM datasets').get() as { evaluation_only: number };
    expect(stored.evaluation_only).toBe(1);
  });

  it('ignores system files', async () => {
    const root = materialise(join(tempDir('duke'), 'duke'), dukeSubset());
    for (const name of ['Thumbs.db', '.DS_Store', 'readme.txt']) materialise(root, [{ split: 'gallery', name, source: dukeAttributes }]);
    const db = openTestWorkspace(tempDir('workspace'));

    const report = await importDataset(db, { datasetDir: root }, silentProgress());
    expect(report.splits.gallery.images).toBe(dukeSubset().filter((file) => file.split === 'gallery').length);
  });

  it('symbolic-link split folders', async () => {
    const files = dukeSubset();
    const real = materialise(tempDir('real'), files);
    const root = join(tempDir('linked'), 'linked');
    mkdirSync(root);
    for (const folder of ['bounding_box_train', 'bounding_box_test', 'query']) symlinkSync(join(real, folder), join(root, folder));

    const report = await importDataset(openTestWorkspace(tempDir('workspace')), { datasetDir: root }, silentProgress());
    expect(report.evaluationOnly).toBe(false);
    expect(report.splits).toEqual(expectedSplits(files));
  });

  it('progress reaches total', async () => {
    const files = dukeSubset();
    const root = materialise(join(tempDir('duke'), 'duke'), files);
    const progress = recordingProgress();
    await importDataset(openTestWorkspace(tempDir('workspace')), { datasetDir: root }, progress);

    const reads = progress.events.filter((event) => event.phase === 'import');
    expect(reads.at(-1)).toEqual({ phase: 'import', done: files.length, total: files.length });
    expect(progress.events.at(-1)).toEqual({ phase: 'write', done: files.length, total: files.length });
  });

  it('two datasets in one workspace', async () => {
    const db = openTestWorkspace(tempDir('workspace'));
    const duke = await importDataset(db, { datasetDir: materialise(join(tempDir('duke'), 'duke'), dukeSubset()) }, silentProgress());
    const market = await importDataset(db, { datasetDir: materialise(join(tempDir('market'), 'market'), marketSubset()) }, silentProgress());

    expect(market.datasetId).not.toBe(duke.datasetId);
    const stored = db.prepare('SELECT import_report FROM datasets WHERE id = ?').get(market.datasetId) as { import_report: string };
    expect(JSON.parse(stored.import_report)).toEqual(market);
  });
});
