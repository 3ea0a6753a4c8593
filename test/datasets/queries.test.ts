import { rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { datasetSummarySchema, identityDetailSchema, identitySummarySchema, type ImportReport } from '../../main/api/schemas';
import { deleteDataset, listDatasets } from '../../main/datasets/dataset-queries';
import { getIdentity, listIdentities } from '../../main/datasets/identity-queries';
import { imageAbsolutePath, readImageDataUrl } from '../../main/datasets/image-files';
import { importDataset } from '../../main/datasets/import-dataset';
import type { Db } from '../../main/db/workspace';
import { NotFoundError, ValidationError } from '../../main/errors';
import { silentProgress } from '../../main/jobs/progress';
import { dukeAttributes, dukeSubset, materialise, openTestWorkspace, personAndCamera, rowCounts, useTempDirs } from './fixtures';

const tempDir = useTempDirs();

let db: Db;
let report: ImportReport;
let datasetRoot: string;
const files = dukeSubset();

beforeEach(async () => {
  db = openTestWorkspace(tempDir('workspace'));
  datasetRoot = materialise(join(tempDir('duke'), 'duke'), files);
  report = await importDataset(db, { datasetDir: datasetRoot, attributesFile: dukeAttributes }, silentProgress());
});

function decodeDataUrl(dataUrl: string): Buffer {
  expect(dataUrl).toMatch(/^data:image\/jpeg;base64,/);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

describe('listDatasets', () => {
  it('returns imported dataset', () => {
    const datasets = listDatasets(db);
    expect(datasets).toHaveLength(1);
    expect(datasetSummarySchema.parse(datasets[0])).toEqual(datasets[0]);
    expect(datasets[0]).toMatchObject({ datasetId: report.datasetId, name: 'duke', layout: 'dukemtmc', rootDir: datasetRoot, evaluationOnly: false, report });
  });
});

describe('deleteDataset', () => {
  it('removes every row', () => {
    deleteDataset(db, report.datasetId);
    expect(listDatasets(db)).toEqual([]);
    expect(rowCounts(db)).toEqual({ datasets: 0, identities: 0, images: 0, attribute_schemas: 0, attribute_values: 0 });
  });

  it('unknown id', () => {
    expect(() => deleteDataset(db, report.datasetId + 1)).toThrow(NotFoundError);
  });
});

describe('listIdentities', () => {
  it('pages cover all identities once', () => {
    const expectedPeople = [...new Set(files.map((file) => personAndCamera(file.name).personId))].sort((a, b) => a - b);
    const seen: number[] = [];
    for (let offset = 0; offset < expectedPeople.length + 3; offset += 3) {
      const page = listIdentities(db, { datasetId: report.datasetId, offset, limit: 3 });
      expect(page.total).toBe(expectedPeople.length);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.personId));
    }
    expect(seen).toEqual(expectedPeople);
  });

  it('summary counts', () => {
    const page = listIdentities(db, { datasetId: report.datasetId, offset: 0, limit: 100 });
    for (const item of page.items) {
      expect(identitySummarySchema.parse(item)).toEqual(item);
      const own = files.filter((file) => personAndCamera(file.name).personId === item.personId);
      expect(item.imageCount, String(item.personId)).toBe(own.length);
      expect(item.cameraCount, String(item.personId)).toBe(new Set(own.map((file) => personAndCamera(file.name).cameraId)).size);
      expect(item.splits, String(item.personId)).toEqual((['train', 'query', 'gallery'] as const).filter((split) => own.some((file) => file.split === split)));
      expect(getIdentity(db, item.identityId).cameras.flatMap((camera) => camera.images.map((image) => image.imageId))).toContain(item.coverImageId);
    }
  });

  it('split filter', () => {
    const page = listIdentities(db, { datasetId: report.datasetId, split: 'query', offset: 0, limit: 100 });
    const queryFiles = files.filter((file) => file.split === 'query');
    expect(page.total).toBe(new Set(queryFiles.map((file) => personAndCamera(file.name).personId)).size);
    for (const item of page.items) {
      expect(item.imageCount).toBe(queryFiles.filter((file) => personAndCamera(file.name).personId === item.personId).length);
      // Query identities also have gallery images, and splits lists both.
      expect(item.splits).toEqual(['query', 'gallery']);
    }
  });

  it('invalid page', () => {
    expect(() => listIdentities(db, { datasetId: report.datasetId, offset: -1, limit: 10 })).toThrow(ValidationError);
    expect(() => listIdentities(db, { datasetId: report.datasetId, offset: 0, limit: 0 })).toThrow(ValidationError);
    expect(() => listIdentities(db, { datasetId: report.datasetId, offset: 0, limit: 1001 })).toThrow(ValidationError);
  });

  it('unknown dataset', () => {
    expect(() => listIdentities(db, { datasetId: report.datasetId + 1, offset: 0, limit: 10 })).toThrow(NotFoundError);
  });
});

describe('getIdentity', () => {
  it('groups images by camera', () => {
    const [first] = listIdentities(db, { datasetId: report.datasetId, split: 'query', offset: 0, limit: 1 }).items;
    const detail = getIdentity(db, first.identityId);
    expect(identityDetailSchema.parse(detail)).toEqual(detail);

    const own = files.filter((file) => personAndCamera(file.name).personId === first.personId);
    const expectedCameras = [...new Set(own.map((file) => personAndCamera(file.name).cameraId))].sort((a, b) => a - b);
    expect(detail.cameras.map((camera) => camera.cameraId)).toEqual(expectedCameras);
    for (const camera of detail.cameras) {
      const expected = own.filter((file) => personAndCamera(file.name).cameraId === camera.cameraId).length;
      expect(camera.images, `camera ${camera.cameraId}`).toHaveLength(expected);
      for (const image of camera.images) expect(image.cameraId).toBe(camera.cameraId);
    }
  });

  it('attribute table with meanings', () => {
    const [first] = listIdentities(db, { datasetId: report.datasetId, offset: 0, limit: 1 }).items;
    const detail = getIdentity(db, first.identityId);
    expect(detail.attributes.map((attribute) => attribute.name)).toEqual(report.attributes?.attributeNames);

    const gender = detail.attributes.find((attribute) => attribute.name === 'gender');
    expect(gender?.meaning).toBe(gender?.value === 1 ? 'male' : 'female');
    const backpack = detail.attributes.find((attribute) => attribute.name === 'backpack');
    expect(backpack?.meaning).toBe(backpack?.value === 1 ? 'no' : 'yes');
  });

  it('unknown id', () => {
    expect(() => getIdentity(db, 999_999)).toThrow(NotFoundError);
  });
});

describe('image files', () => {
  function firstImage() {
    return db.prepare('SELECT id, path, width, height FROM images ORDER BY id LIMIT 1').get() as { id: number; path: string; width: number; height: number };
  }

  it('absolute path', () => {
    const image = firstImage();
    expect(imageAbsolutePath(db, image.id)).toBe(join(datasetRoot, image.path));
  });

  it('full-size data url', async () => {
    const image = firstImage();
    const result = await readImageDataUrl(db, image.id);
    const metadata = await sharp(decodeDataUrl(result.dataUrl)).metadata();
    expect([result.width, result.height]).toEqual([image.width, image.height]);
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', image.width, image.height]);
  });

  it('scaled data url', async () => {
    const image = firstImage();
    const result = await readImageDataUrl(db, image.id, 64);
    const metadata = await sharp(decodeDataUrl(result.dataUrl)).metadata();
    expect(Math.max(result.width, result.height)).toBe(64);
    expect([metadata.width, metadata.height]).toEqual([result.width, result.height]);
    expect(Math.abs(result.width / result.height - image.width / image.height)).toBeLessThan(0.05);
  });

  it('invalid maxSide', async () => {
    await expect(readImageDataUrl(db, firstImage().id, 0)).rejects.toThrow(ValidationError);
    await expect(readImageDataUrl(db, firstImage().id, 12.5)).rejects.toThrow(ValidationError);
  });

  it('missing image', async () => {
    expect(() => imageAbsolutePath(db, 999_999)).toThrow(NotFoundError);
    await expect(readImageDataUrl(db, 999_999)).rejects.toThrow(NotFoundError);
  });

  it('file deleted after import', async () => {
    const image = firstImage();
    rmSync(join(datasetRoot, image.path));
    await expect(readImageDataUrl(db, image.id)).rejects.toThrow(/cannot be read.*ENOENT/);
  });
});
