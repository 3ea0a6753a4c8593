import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ModelCard, Split } from '../../../main/api/schemas';
import { openWorkspace, type Db } from '../../../main/db/workspace';

/*
 * Rows for real DukeMTMC-reID images in a real workspace, inserted directly so
 * that embedding tests do not depend on the dataset importer.
 */

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const dataRoot = resolve(repositoryRoot, '../shared/data');
export const dukeRoot = join(dataRoot, 'DukeMTMC-reID');
export const osnetModelPath = join(dataRoot, 'models/osnet_x0_25_msmt17.onnx');

/** The card of the OSNet x0.25 file: torchreid's ImageNet preprocessing at 256 x 128. */
export const osnetCard: ModelCard = {
  inputName: 'images',
  outputName: 'output',
  layout: 'NCHW',
  height: 256,
  width: 128,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  channelOrder: 'RGB',
  distance: 'euclidean',
};

const splitFolders: Record<Split, string> = { query: 'query', gallery: 'bounding_box_test', train: 'bounding_box_train' };

export interface FixtureImage {
  imageId: number;
  split: Split;
  /** Relative to the dataset root, as the images table stores it. */
  path: string;
  personId: number;
  cameraId: number;
  contentHash: string;
}

export interface TempWorkspace {
  db: Db;
  directory: string;
  dispose(): void;
}

export function openTempWorkspace(prefix = 'mpreid-embedding-'): TempWorkspace {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const db = openWorkspace(join(directory, 'workspace.mpreid'));
  return {
    db,
    directory,
    dispose: () => {
      db.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Lists the first `count` file names of a Duke split in name order, or all of them without `count`. */
export function dukeFileNames(split: Split, count?: number): string[] {
  const names = readdirSync(join(dukeRoot, splitFolders[split]))
    .filter((name) => name.endsWith('.jpg'))
    .sort();
  return count === undefined ? names : names.slice(0, count);
}

/**
 * Inserts a Duke dataset row and the given images with their identities.
 * `rootDir` defaults to the real Duke folder. A test that needs broken files
 * passes a folder of its own with the same layout.
 */
export async function insertDukeImages(
  db: Db,
  files: Partial<Record<Split, string[]>>,
  options: { name?: string; rootDir?: string } = {},
): Promise<{ datasetId: number; images: FixtureImage[] }> {
  const rootDir = options.rootDir ?? dukeRoot;
  const entries = (Object.entries(files) as Array<[Split, string[]]>).flatMap(([split, names]) =>
    names.map((name) => ({ split, path: `${splitFolders[split]}/${name}`, ...parseDukeName(name) })),
  );
  const facts = await mapLimited(entries, 16, (entry) => readImageFacts(join(rootDir, entry.path)));

  const datasetId = insertDataset(db, options.name ?? `duke-fixture-${Date.now()}-${Math.random()}`, rootDir);
  const images = db.transaction(() =>
    entries.map((entry, index) => {
      const identityId = ensureIdentity(db, datasetId, entry.personId);
      const { contentHash, width, height } = facts[index];
      const info = db
        .prepare('INSERT INTO images (dataset_id, identity_id, split, camera_id, path, content_hash, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(datasetId, identityId, entry.split, entry.cameraId, entry.path, contentHash, width, height);
      return { imageId: Number(info.lastInsertRowid), ...entry, contentHash };
    }),
  )();
  return { datasetId, images };
}

export function parseDukeName(name: string): { personId: number; cameraId: number } {
  const match = /^(\d{4})_c(\d)_f\d+\.jpg$/.exec(name);
  if (!match) throw new Error(`${name} is not a DukeMTMC-reID file name of the form PPPP_cC_fFFFFFFF.jpg.`);
  return { personId: Number(match[1]), cameraId: Number(match[2]) };
}

function insertDataset(db: Db, name: string, rootDir: string): number {
  const info = db
    .prepare("INSERT INTO datasets (name, layout, root_dir, evaluation_only, import_report, created_at) VALUES (?, 'dukemtmc', ?, 0, '{}', ?)")
    .run(name, rootDir, new Date().toISOString());
  return Number(info.lastInsertRowid);
}

function ensureIdentity(db: Db, datasetId: number, personId: number): number {
  db.prepare('INSERT OR IGNORE INTO identities (dataset_id, person_id) VALUES (?, ?)').run(datasetId, personId);
  const row = db.prepare('SELECT id FROM identities WHERE dataset_id = ? AND person_id = ?').get(datasetId, personId) as { id: number };
  return row.id;
}

async function readImageFacts(filePath: string): Promise<{ contentHash: string; width: number; height: number }> {
  const bytes = await readFile(filePath);
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  // A file that does not decode still gets a row, so that tests can embed broken images.
  const metadata = await sharp(bytes)
    .metadata()
    .catch(() => ({ width: 0, height: 0 }));
  return { contentHash, width: metadata.width ?? 0, height: metadata.height ?? 0 };
}

async function mapLimited<T, R>(items: T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}
