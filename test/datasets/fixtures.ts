import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Split } from '../../main/api/schemas';
import { splitFolders } from '../../main/datasets/file-names';
import { openWorkspace, type Db } from '../../main/db/workspace';
import { setLogToStderr } from '../../main/log';

setLogToStderr(false);

/** Real data next to the repository; tests read it and never write to it. */
export const dataRoot = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const dukeRoot = join(dataRoot, 'DukeMTMC-reID');
export const marketSamples = join(dataRoot, 'market1501-samples');
export const dukeAttributes = join(dataRoot, 'attributes', 'duke_attribute.mat');
export const marketAttributes = join(dataRoot, 'attributes', 'market_attribute.mat');

export { useTempDirs } from '../helpers/temp-dirs';

export function openTestWorkspace(dir: string): Db {
  return openWorkspace(join(dir, 'workspace.mpreid'));
}

const countedTables = ['datasets', 'identities', 'images', 'attribute_schemas', 'attribute_values'] as const;

export function rowCounts(db: Db): Record<(typeof countedTables)[number], number> {
  const counts = {} as Record<(typeof countedTables)[number], number>;
  for (const table of countedTables) counts[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return counts;
}

/** One image of a test dataset: where it goes and the real file it is copied from. */
export interface SubsetFile {
  split: Split;
  name: string;
  source: string;
}

/** Copies `files` into the split folders under `root`; splits with no file get no folder. */
export function materialise(root: string, files: SubsetFile[]): string {
  for (const file of files) {
    const folder = join(root, splitFolders[file.split]);
    mkdirSync(folder, { recursive: true });
    copyFileSync(file.source, join(folder, file.name));
  }
  return root;
}

/** Person id and camera id from a name `PPPP_cC...`, parsed here independently of the importer. */
export function personAndCamera(name: string): { personId: number; cameraId: number } {
  const [person, camera] = name.split('_');
  return { personId: Number(person), cameraId: Number(camera.slice(1, 2)) };
}

/**
 * Picks up to `perIdentity` images of each of the first `identities` person ids
 * in a real Duke split folder, preferring one image per camera.
 */
function pickDuke(split: Split, personIds: number[] | number, perIdentity: number): SubsetFile[] {
  const folder = join(dukeRoot, splitFolders[split]);
  const byPerson = new Map<number, string[]>();
  for (const name of readdirSync(folder).sort()) {
    const { personId } = personAndCamera(name);
    byPerson.set(personId, [...(byPerson.get(personId) ?? []), name]);
  }

  const chosenIds = Array.isArray(personIds) ? personIds : [...byPerson.keys()].slice(0, personIds);
  return chosenIds.flatMap((personId) => {
    const names = byPerson.get(personId) ?? [];
    const firstPerCamera = [...new Map(names.map((name) => [personAndCamera(name).cameraId, name])).values()];
    const ordered = [...firstPerCamera, ...names.filter((name) => !firstPerCamera.includes(name))];
    return ordered.slice(0, perIdentity).map((name) => ({ split, name, source: join(folder, name) }));
  });
}

/** About 50 real Duke images: 4 train identities, 4 query identities with gallery matches, 2 gallery-only identities. */
export function dukeSubset(): SubsetFile[] {
  const query = pickDuke('query', 4, 2);
  const queryIds = [...new Set(query.map((file) => personAndCamera(file.name).personId))];
  const galleryOnlyIds = [2, 3];
  return [...pickDuke('train', 4, 4), ...query, ...pickDuke('gallery', [...queryIds, ...galleryOnlyIds], 4)];
}

/**
 * Lays out the real Market-1501 samples as a Market dataset, plus junk copies (person
 * -1) and one identity (1600) that the attribute file does not describe.
 * Names that do not follow the Market pattern are left out.
 */
export function marketSubset(): SubsetFile[] {
  const names = readdirSync(marketSamples)
    .filter((name) => /^\d{4}_c\d/.test(name))
    .sort();
  const source = (name: string) => join(marketSamples, name);
  const personIds = [...new Set(names.map((name) => personAndCamera(name).personId).filter((personId) => personId !== 0))];
  // Identities with two samples give their first image to the query split and keep the second in the gallery.
  const queryIds = [51, 1285];
  const trainIds = new Set(personIds.filter((personId) => !queryIds.includes(personId)).slice(0, 15));

  const files: SubsetFile[] = names.map((name) => ({ split: trainIds.has(personAndCamera(name).personId) ? 'train' : 'gallery', name, source: source(name) }));
  for (const personId of queryIds) {
    const first = files.find((file) => personAndCamera(file.name).personId === personId);
    if (first) first.split = 'query';
  }

  const junkSource = source(names[1]);
  files.push(
    { split: 'gallery', name: '-1_c1s1_000401_03.jpg', source: junkSource },
    { split: 'gallery', name: '-1_c3s2_010101_01.jpg', source: junkSource },
    { split: 'train', name: '-1_c2s1_000551_02.jpg', source: junkSource },
    { split: 'gallery', name: '1600_c4s1_020202_00.jpg', source: source(names[2]) },
  );
  return files;
}
