import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportReport, Split } from '../../main/api/schemas';
import { readAttributeFile, readMatFile, type MatValue } from '../../main/datasets';
import { valueMeaningsFor } from '../../main/datasets/attribute-meanings';
import { openWorkspace, type Db } from '../../main/db/workspace';
import { setLogToStderr } from '../../main/log';

setLogToStderr(false);

/** Real data next to the repository; tests read it and never write to it. */
export const dataRoot = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const dukeRoot = join(dataRoot, 'DukeMTMC-reID');
export const dukeAttributesFile = join(dataRoot, 'attributes', 'duke_attribute.mat');
export const marketAttributesFile = join(dataRoot, 'attributes', 'market_attribute.mat');

export { useTempDirs } from '../helpers/temp-dirs';

export function openTestWorkspace(dir: string, name = 'workspace.mpreid'): Db {
  return openWorkspace(join(dir, name));
}

export interface FixtureIdentity {
  personId: number;
  /** Coded values by attribute name; attributes left out have no value. */
  values: Record<string, number>;
  images?: { path: string; split: Split; cameraId: number }[];
}

export interface FixtureDataset {
  name: string;
  layout: 'market1501' | 'dukemtmc';
  rootDir: string;
  attributes: string[];
  identities: FixtureIdentity[];
}

export interface InsertedDataset {
  datasetId: number;
  identityIds: Map<number, number>;
  imageIds: Map<string, number>;
}

/** Writes a dataset straight into the workspace tables, the way the importer leaves them, without reading image files. */
export function insertDataset(db: Db, dataset: FixtureDataset): InsertedDataset {
  return db.transaction(() => {
    const datasetId = Number(
      db
        .prepare('INSERT INTO datasets (name, layout, root_dir, evaluation_only, import_report, created_at) VALUES (?, ?, ?, 0, ?, ?)')
        .run(dataset.name, dataset.layout, dataset.rootDir, '{}', new Date().toISOString()).lastInsertRowid,
    );
    db.prepare('UPDATE datasets SET import_report = ? WHERE id = ?').run(JSON.stringify(importReport(datasetId, dataset)), datasetId);

    const attributeIds = new Map<string, number>();
    dataset.attributes.forEach((name, position) => {
      const meanings = valueMeaningsFor(dataset.layout, name);
      const info = db.prepare('INSERT INTO attribute_schemas (dataset_id, name, value_meanings, position) VALUES (?, ?, ?, ?)').run(datasetId, name, JSON.stringify(meanings), position);
      attributeIds.set(name, Number(info.lastInsertRowid));
    });

    const identityIds = new Map<number, number>();
    const imageIds = new Map<string, number>();
    const insertValue = db.prepare('INSERT INTO attribute_values (identity_id, attribute_id, value) VALUES (?, ?, ?)');
    const insertImage = db.prepare(
      "INSERT INTO images (dataset_id, identity_id, split, camera_id, path, content_hash, width, height) VALUES (?, ?, ?, ?, ?, ?, 64, 128)",
    );
    for (const identity of dataset.identities) {
      const identityId = Number(db.prepare('INSERT INTO identities (dataset_id, person_id) VALUES (?, ?)').run(datasetId, identity.personId).lastInsertRowid);
      identityIds.set(identity.personId, identityId);
      for (const [name, value] of Object.entries(identity.values)) insertValue.run(identityId, attributeIds.get(name)!, value);
      for (const image of identity.images ?? []) {
        const info = insertImage.run(datasetId, identityId, image.split, image.cameraId, image.path, `hash-${image.path}`);
        imageIds.set(image.path, Number(info.lastInsertRowid));
      }
    }
    return { datasetId, identityIds, imageIds };
  })();
}

function importReport(datasetId: number, dataset: FixtureDataset): ImportReport {
  const emptySplit = { images: 0, identities: 0, cameras: [] };
  return {
    datasetId,
    name: dataset.name,
    layout: dataset.layout,
    rootDir: dataset.rootDir,
    evaluationOnly: false,
    splits: { train: emptySplit, query: emptySplit, gallery: emptySplit },
    junkImagesDropped: 0,
    distractorImages: 0,
    ignoredFiles: 0,
    attributes: null,
    seconds: 0,
  };
}

/** The DukeMTMC-attribute names in file order. */
export const dukeAttributeNames = [
  'backpack', 'bag', 'handbag', 'boots', 'gender', 'hat', 'shoes', 'top',
  'downblack', 'downwhite', 'downred', 'downgray', 'downblue', 'downgreen', 'downbrown',
  'upblack', 'upwhite', 'upred', 'uppurple', 'upgray', 'upblue', 'upgreen', 'upbrown',
];

/** Builds a small Duke-style dataset: three identities with hand-picked labels and no images. */
export function smallDukeDataset(overrides: Partial<FixtureDataset> = {}): FixtureDataset {
  const base = { backpack: 1, bag: 1, handbag: 1, boots: 1, hat: 1, shoes: 1, top: 2 };
  const colours = (up: string, down: string) =>
    Object.fromEntries(dukeAttributeNames.filter((name) => /^(up|down)/.test(name)).map((name) => [name, name === up || name === down ? 2 : 1]));
  return {
    name: 'duke-small',
    layout: 'dukemtmc',
    rootDir: dukeRoot,
    attributes: dukeAttributeNames,
    identities: [
      { personId: 1, values: { ...base, gender: 1, backpack: 2, ...colours('upblack', 'downblue') } },
      { personId: 2, values: { ...base, gender: 2, hat: 2, top: 1, ...colours('upred', 'downblack') } },
      { personId: 3, values: { ...base, gender: 1, shoes: 2, handbag: 2, ...colours('upwhite', 'downgray') } },
    ],
    ...overrides,
  };
}

/**
 * Reads the 702 training identities of the real DukeMTMC-attribute file with
 * their labels, using the importer's .mat reader. Unlabelled values are left out.
 */
export async function dukeTrainingDataset(): Promise<FixtureDataset> {
  const table = await readAttributeFile(dukeAttributesFile, 'dukemtmc');
  const trainIds = readTrainPersonIds();
  const attributes = table.attributes.map((attribute) => attribute.name);

  const identities = trainIds.map((personId) => {
    const codes = table.rows.get(personId)!;
    const values: Record<string, number> = {};
    codes.forEach((code, i) => {
      if (code !== null) values[attributes[i]] = code;
    });
    return { personId, values };
  });
  return { name: 'duke-train-attributes', layout: 'dukemtmc', rootDir: dukeRoot, attributes, identities };
}

function readTrainPersonIds(): number[] {
  const variables = readMatFile(readFileSync(dukeAttributesFile), dukeAttributesFile);
  const root = variables.get('duke_attribute') as Extract<MatValue, { kind: 'struct' }>;
  const train = root.elements[0].get('train') as Extract<MatValue, { kind: 'struct' }>;
  const index = train.elements[0].get('image_index') as Extract<MatValue, { kind: 'cell' }>;
  return index.cells.map((cell) => Number((cell as Extract<MatValue, { kind: 'char' }>).rows[0]));
}
