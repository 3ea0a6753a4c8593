import { opendir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Split } from '../api/schemas';
import { DatasetFormatError, NotFoundError, ValidationError } from '../errors';
import type { ProgressReporter } from '../jobs/progress';
import {
  type DatasetLayout,
  detectLayout,
  distractorPersonId,
  junkPersonId,
  layoutExampleNames,
  layoutTitles,
  parseFileName,
  splitFolders,
} from './file-names';
import { countOf, ProblemList } from './problem-list';

/** One image file whose name passed the layout's pattern; nothing has been read from it yet. */
export interface ScannedImage {
  split: Split;
  /** Path relative to the dataset root, with forward slashes. */
  relativePath: string;
  personId: number;
  cameraId: number;
}

export interface FolderScan {
  layout: DatasetLayout;
  /** True when the folder has no `bounding_box_train`. */
  evaluationOnly: boolean;
  /** Images to import, junk already removed. */
  images: ScannedImage[];
  junkImagesDropped: number;
  distractorImages: number;
  /** Files and subfolders inside split folders that are not images, such as Thumbs.db or .DS_Store. */
  ignoredEntries: number;
}

const imageExtension = /\.(jpe?g|png)$/i;

/** Number of names quoted when no name matches a layout. */
const exampleCount = 5;

const splitOrder: readonly Split[] = ['train', 'query', 'gallery'];

/**
 * Lists the split folders of a dataset root, detects its layout from the file
 * names and parses person and camera ids. Reads no image bytes, so it is cheap
 * enough to run before the attribute file is parsed.
 */
export async function scanDatasetFolder(rootDir: string, progress: ProgressReporter): Promise<FolderScan> {
  await requireDirectory(rootDir);
  const presentSplits = await findSplitFolders(rootDir);

  const namesBySplit = new Map<Split, string[]>();
  let ignoredEntries = 0;
  for (const split of presentSplits) {
    progress.throwIfCancelled();
    const listing = await listImageNames(join(rootDir, splitFolders[split]));
    namesBySplit.set(split, listing.names);
    ignoredEntries += listing.ignored;
  }

  const layout = detectLayout(allNames(namesBySplit));
  if (layout === null) throw new DatasetFormatError(noLayoutMessage(rootDir, namesBySplit));

  const scan = parseNames(rootDir, layout, namesBySplit);
  return { ...scan, layout, evaluationOnly: !presentSplits.includes('train'), ignoredEntries };
}

async function requireDirectory(rootDir: string): Promise<void> {
  const info = await stat(rootDir).catch(() => null);
  if (info === null) {
    throw new NotFoundError(`Dataset folder ${rootDir} does not exist. Check the path and try again.`);
  }
  if (!info.isDirectory()) {
    throw new ValidationError(`Dataset path ${rootDir} is a file, not a folder. Pass the folder that contains query and bounding_box_test.`);
  }
}

/**
 * Returns the splits whose folder exists, following symbolic links. Query and
 * gallery are required and train is optional.
 */
async function findSplitFolders(rootDir: string): Promise<Split[]> {
  const present: Split[] = [];
  for (const split of splitOrder) {
    const info = await stat(join(rootDir, splitFolders[split])).catch(() => null);
    if (info?.isDirectory()) present.push(split);
  }

  const missing = (['query', 'gallery'] as const).filter((split) => !present.includes(split));
  if (missing.length === 0) return present;

  const entries = await readdir(rootDir, { withFileTypes: true });
  const found = entries.filter((entry) => entry.isDirectory() || entry.isSymbolicLink()).map((entry) => entry.name).sort().slice(0, 10);
  const missingNames = missing.map((split) => splitFolders[split]).join(' and ');
  throw new DatasetFormatError(
    `Dataset folder ${rootDir} has no ${missingNames} subfolder. ${expectedLayoutSentence()} ` +
      `Subfolders found: ${found.length > 0 ? found.join(', ') : 'none'}.`,
  );
}

function expectedLayoutSentence(): string {
  const examples = (Object.keys(layoutTitles) as DatasetLayout[])
    .map((layout) => `${layoutExampleNames[layout]} (${layoutTitles[layout]})`)
    .join(' or ');
  return (
    `Expected subfolders bounding_box_test (gallery) and query, optionally bounding_box_train, ` +
    `containing images named like ${examples}.`
  );
}

/**
 * Streams a split folder's entries so that a folder of 100k files costs one
 * name string per image and nothing per ignored entry.
 */
async function listImageNames(folder: string): Promise<{ names: string[]; ignored: number }> {
  const names: string[] = [];
  let ignored = 0;

  const directory = await opendir(folder, { bufferSize: 256 });
  for await (const entry of directory) {
    const isFileLike = entry.isFile() || entry.isSymbolicLink();
    if (isFileLike && !entry.name.startsWith('.') && imageExtension.test(entry.name)) {
      names.push(entry.name);
    } else {
      ignored += 1;
    }
  }

  // Sorted so that import order, image ids and error examples do not depend on the file system.
  names.sort();
  return { names, ignored };
}

function* allNames(namesBySplit: Map<Split, string[]>): Iterable<string> {
  for (const names of namesBySplit.values()) yield* names;
}

function noLayoutMessage(rootDir: string, namesBySplit: Map<Split, string[]>): string {
  const examples: string[] = [];
  let total = 0;
  for (const [split, names] of namesBySplit) {
    total += names.length;
    for (const name of names.slice(0, exampleCount - examples.length)) examples.push(`${splitFolders[split]}/${name}`);
  }

  const found = total === 0 ? 'The split folders contain no .jpg or .png images.' : `None of its ${total} image names match, for example ${examples.join(', ')}.`;
  return `Dataset folder ${rootDir} matches neither the Market-1501 nor the DukeMTMC-reID layout. ${expectedLayoutSentence()} ${found}`;
}

function parseNames(
  rootDir: string,
  layout: DatasetLayout,
  namesBySplit: Map<Split, string[]>,
): Pick<FolderScan, 'images' | 'junkImagesDropped' | 'distractorImages'> {
  const images: ScannedImage[] = [];
  const unrecognised = new ProblemList();
  const misplacedDistractors = new ProblemList();
  let junkImagesDropped = 0;
  let distractorImages = 0;

  for (const [split, names] of namesBySplit) {
    for (const name of names) {
      const relativePath = `${splitFolders[split]}/${name}`;
      const parsed = parseFileName(layout, name);
      if (parsed === null) {
        unrecognised.add(relativePath);
        continue;
      }
      if (parsed.personId === junkPersonId) {
        junkImagesDropped += 1;
        continue;
      }
      if (parsed.personId === distractorPersonId) {
        if (split !== 'gallery') misplacedDistractors.add(relativePath);
        distractorImages += 1;
      }
      images.push({ split, relativePath, ...parsed });
    }
  }

  throwOnNameProblems(rootDir, layout, unrecognised, misplacedDistractors);
  throwOnEmptySplits(rootDir, namesBySplit, images);
  return { images, junkImagesDropped, distractorImages };
}

function throwOnNameProblems(rootDir: string, layout: DatasetLayout, unrecognised: ProblemList, misplacedDistractors: ProblemList): void {
  if (unrecognised.count > 0) {
    throw new DatasetFormatError(
      `Dataset folder ${rootDir} looks like ${layoutTitles[layout]}, but has ${countOf(unrecognised.count, 'image name')} outside its pattern ` +
        `(expected names like ${layoutExampleNames[layout]}): ${unrecognised.describe()}. Rename or remove these files and import again.`,
    );
  }
  if (misplacedDistractors.count > 0) {
    throw new DatasetFormatError(
      `Dataset folder ${rootDir} has ${countOf(misplacedDistractors.count, 'distractor image')} (person id 0000) outside bounding_box_test: ` +
        `${misplacedDistractors.describe()}. Distractors belong to the gallery only; move or remove them and import again.`,
    );
  }
}

function throwOnEmptySplits(rootDir: string, namesBySplit: Map<Split, string[]>, images: ScannedImage[]): void {
  const counts = new Map<Split, number>();
  for (const image of images) counts.set(image.split, (counts.get(image.split) ?? 0) + 1);

  for (const split of namesBySplit.keys()) {
    if ((counts.get(split) ?? 0) > 0) continue;
    const hint =
      split === 'train' ? 'Remove the empty folder to import the dataset for evaluation only.' : 'Add the images of this split and import again.';
    throw new DatasetFormatError(
      `Split folder ${join(rootDir, splitFolders[split])} contains no usable images (junk images with person id -1 do not count). ${hint}`,
    );
  }
}
