import { basename, resolve } from 'node:path';
import type { ImportReport } from '../api/schemas';
import type { Db } from '../db/workspace';
import { ValidationError } from '../errors';
import type { ProgressReporter } from '../jobs/progress';
import { createLogger } from '../log';
import { attributeCoverage } from './attribute-coverage';
import { readAttributeFile } from './attribute-file';
import { countSplits } from './import-report';
import { readImageFiles } from './read-images';
import { scanDatasetFolder } from './scan-folder';
import { requireUniqueName, writeDataset } from './write-dataset';

const log = createLogger('DatasetImport');

export interface ImportDatasetRequest {
  /** Dataset root, the folder that contains query and bounding_box_test. */
  datasetDir: string;
  /** Name shown in the workspace; defaults to the folder's base name. */
  name?: string;
  /** Optional identity-level attribute file (.mat, MATLAB v5). */
  attributesFile?: string;
}

const maxNameLength = 200;

/**
 * Imports a Market-1501 or DukeMTMC-reID folder into the workspace. Every file
 * is checked and the attribute file parsed before anything is written, and all
 * rows go in one transaction: a failed or cancelled import changes nothing.
 */
export async function importDataset(db: Db, request: ImportDatasetRequest, progress: ProgressReporter): Promise<ImportReport> {
  const started = performance.now();
  const rootDir = resolveDatasetDir(request.datasetDir);
  const name = validateName(request.name ?? basename(rootDir));
  requireUniqueName(db, name);
  log.info('import started', { rootDir, name, attributesFile: request.attributesFile ?? null });

  const scan = await scanDatasetFolder(rootDir, progress);
  if (scan.ignoredEntries > 0) log.info('ignored entries that are not images', { rootDir, count: scan.ignoredEntries });
  const attributes = request.attributesFile ? await readAttributeFile(resolve(request.attributesFile), scan.layout) : null;
  if (attributes && attributes.unlabelledValues > 0) log.warn('attribute values coded 0 (unlabelled) were skipped', { file: attributes.file, count: attributes.unlabelledValues });

  const images = await readImageFiles(rootDir, scan.images, progress);
  progress.throwIfCancelled();

  progress.update('write', 0, images.length);
  const personIds = new Set(images.map((image) => image.personId));
  const report = writeDataset(db, { name, layout: scan.layout, rootDir, evaluationOnly: scan.evaluationOnly, images, attributes }, (datasetId) => ({
    datasetId,
    name,
    layout: scan.layout,
    rootDir,
    evaluationOnly: scan.evaluationOnly,
    splits: countSplits(images),
    junkImagesDropped: scan.junkImagesDropped,
    distractorImages: scan.distractorImages,
    ignoredFiles: scan.ignoredEntries,
    attributes: attributes ? attributeCoverage(attributes, personIds) : null,
    seconds: (performance.now() - started) / 1000,
  }));
  progress.update('write', images.length, images.length);

  log.info('import finished', { datasetId: report.datasetId, name, images: images.length, identities: personIds.size, seconds: report.seconds });
  return report;
}

function resolveDatasetDir(datasetDir: string): string {
  if (typeof datasetDir !== 'string' || datasetDir.trim() === '') {
    throw new ValidationError('The dataset folder path is empty. Pass the folder that contains query and bounding_box_test.');
  }
  return resolve(datasetDir);
}

function validateName(rawName: string): string {
  const name = rawName.trim();
  if (name === '') throw new ValidationError('The dataset name is empty. Pass a name, or a folder whose base name can serve as one.');
  if (name.length > maxNameLength) throw new ValidationError(`The dataset name is ${name.length} characters long, more than ${maxNameLength}. Pass a shorter name.`);
  return name;
}
