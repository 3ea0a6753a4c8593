import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../../main/db/workspace';
import { importDataset } from '../../../main/datasets';
import { silentProgress } from '../../../main/jobs/progress';
import { insertEmbeddings } from '../../../main/ml/embedding/embedding-store';
import { registerModel } from '../../../main/ml/models/registry';
import { computeDukeFeatures, dataRoot, dukeRoot, listDukeImages, osnetDimension, type DukeImage } from '../../helpers/duke-features';
import { osnetCard, osnetModelPath } from '../embedding/fixtures';

/*
 * A small DukeMTMC-reID copy imported with the real DukeMTMC-attribute file:
 * training images of the first training identities and query and gallery
 * images of the first query identities. OSNet features come from the shared
 * cache of whole splits, so no image is embedded again.
 */

export interface DukeAttributeWorkspace {
  datasetId: number;
  modelId: number;
  /** Duke file of each imported image, as 'split folder/name'. */
  files: string[];
}

const imagesPerTrainIdentity = 5;
const galleryImagesPerIdentity = 4;

function firstImagesOfFirstIdentities(images: DukeImage[], identities: number, perIdentity: number): DukeImage[] {
  const people = [...new Set(images.map((image) => image.personId))].slice(0, identities);
  const chosen = new Set(people);
  const countByPerson = new Map<number, number>();
  return images.filter((image) => {
    if (!chosen.has(image.personId)) return false;
    const count = countByPerson.get(image.personId) ?? 0;
    countByPerson.set(image.personId, count + 1);
    return count < perIdentity;
  });
}

function copyImages(images: DukeImage[], rootDir: string): void {
  for (const image of images) {
    mkdirSync(join(rootDir, image.file.split('/')[0]), { recursive: true });
    copyFileSync(join(dukeRoot, image.file), join(rootDir, image.file));
  }
}

/** Copies and imports the subset into `db`, registers OSNet, and stores the cached features of the chosen images unless `withEmbeddings` is false. */
export async function createDukeAttributeWorkspace(db: Db, rootDir: string, options: { trainIdentities: number; testIdentities: number; withEmbeddings?: boolean }): Promise<DukeAttributeWorkspace> {
  const train = firstImagesOfFirstIdentities(listDukeImages('bounding_box_train'), options.trainIdentities, imagesPerTrainIdentity);
  const query = firstImagesOfFirstIdentities(listDukeImages('query'), options.testIdentities, Number.MAX_SAFE_INTEGER);
  const queryPeople = new Set(query.map((image) => image.personId));
  const gallery = firstImagesOfFirstIdentities(listDukeImages('bounding_box_test').filter((image) => queryPeople.has(image.personId)), options.testIdentities, galleryImagesPerIdentity);
  copyImages([...train, ...query, ...gallery], rootDir);

  const report = await importDataset(db, { datasetDir: rootDir, name: 'duke-attributes', attributesFile: join(dataRoot, 'attributes/duke_attribute.mat') }, silentProgress());
  const model = await registerModel(db, { filePath: osnetModelPath, card: osnetCard });
  if (options.withEmbeddings !== false) await storeCachedFeatures(db, report.datasetId, model.contentHash, [...train, ...query, ...gallery]);
  return { datasetId: report.datasetId, modelId: model.modelId, files: [...train, ...query, ...gallery].map((image) => image.file) };
}

/** Embeds only the chosen images (cached by list), so a fresh checkout does not embed all 36,411 Duke images for a small workspace. */
async function storeCachedFeatures(db: Db, datasetId: number, modelHash: string, images: DukeImage[]): Promise<void> {
  const features = await computeDukeFeatures(images);
  const featureByFile = new Map(images.map((image, row) => [image.file, features.subarray(row * osnetDimension, (row + 1) * osnetDimension)]));

  const rows = db.prepare('SELECT path, content_hash AS contentHash FROM images WHERE dataset_id = ?').all(datasetId) as { path: string; contentHash: string }[];
  insertEmbeddings(
    db,
    modelHash,
    rows.map((row) => ({ imageHash: row.contentHash, vector: featureByFile.get(row.path)! })),
  );
}
