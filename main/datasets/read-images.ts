import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetFormatError } from '../errors';
import type { ProgressReporter } from '../jobs/progress';
import { readImageSize } from './image-header';
import { countOf, ProblemList } from './problem-list';
import type { ScannedImage } from './scan-folder';

export interface ImportedImage extends ScannedImage {
  /** sha256 of the file bytes, hex. */
  contentHash: string;
  width: number;
  height: number;
}

/**
 * Files read at once. Enough to keep the disk and libuv's thread pool busy
 * while the main thread hashes, few enough to bound memory to a few file sizes.
 */
export const defaultReadConcurrency = 16;

/** Person crops are kilobytes; a file past this size is not a crop and would only waste memory. */
const maxImageBytes = 64 * 1024 * 1024;

/** Images between two progress events. */
const progressStep = 250;

interface ReadProblems {
  empty: ProblemList;
  corrupt: ProblemList;
  tooLarge: ProblemList;
  unreadable: ProblemList;
}

/**
 * Reads every scanned image once: sha256 of its bytes and its size from the
 * header. Collects every bad file before it throws, so one error lists them all.
 */
export async function readImageFiles(
  rootDir: string,
  images: readonly ScannedImage[],
  progress: ProgressReporter,
  concurrency = defaultReadConcurrency,
): Promise<ImportedImage[]> {
  const results: ImportedImage[] = new Array(images.length);
  const problems: ReadProblems = { empty: new ProblemList(), corrupt: new ProblemList(), tooLarge: new ProblemList(), unreadable: new ProblemList() };
  let nextIndex = 0;
  let done = 0;

  const worker = async (): Promise<void> => {
    while (nextIndex < images.length) {
      progress.throwIfCancelled();
      const index = nextIndex;
      nextIndex += 1;

      const image = images[index];
      const read = await readOneImage(rootDir, image.relativePath, index, problems);
      if (read) results[index] = { ...image, ...read };

      done += 1;
      if (done % progressStep === 0 || done === images.length) progress.update('import', done, images.length);
    }
  };

  progress.update('import', 0, images.length);
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  throwOnReadProblems(rootDir, problems);
  return results;
}

/** Returns the hash and size of one image, or null after recording why it is unusable; `index` ranks the problem examples. */
async function readOneImage(
  rootDir: string,
  relativePath: string,
  index: number,
  problems: ReadProblems,
): Promise<{ contentHash: string; width: number; height: number } | null> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(join(rootDir, relativePath));
  } catch (error) {
    if (error instanceof FileTooLargeError) problems.tooLarge.add(relativePath, index);
    else problems.unreadable.add(`${relativePath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, index);
    return null;
  }

  if (bytes.length === 0) {
    problems.empty.add(relativePath, index);
    return null;
  }
  const size = readImageSize(bytes);
  if (size === null) {
    problems.corrupt.add(relativePath, index);
    return null;
  }

  const contentHash = createHash('sha256').update(bytes).digest('hex');
  return { contentHash, width: size.width, height: size.height };
}

class FileTooLargeError extends Error {}

async function readBoundedFile(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxImageBytes) throw new FileTooLargeError(filePath);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function throwOnReadProblems(rootDir: string, problems: ReadProblems): void {
  const sentences: string[] = [];
  if (problems.empty.count > 0) sentences.push(`${countOf(problems.empty.count, 'empty (zero-byte) file')}: ${problems.empty.describe()}.`);
  if (problems.corrupt.count > 0) {
    sentences.push(`${countOf(problems.corrupt.count, 'file')} without a readable JPEG or PNG header (corrupt, truncated, or another format such as WebP, which import does not read): ${problems.corrupt.describe()}.`);
  }
  if (problems.tooLarge.count > 0) {
    sentences.push(`${countOf(problems.tooLarge.count, 'file')} larger than ${maxImageBytes / 1024 / 1024} MiB: ${problems.tooLarge.describe()}.`);
  }
  if (problems.unreadable.count > 0) sentences.push(`${countOf(problems.unreadable.count, 'unreadable file')}: ${problems.unreadable.describe()}.`);
  if (sentences.length === 0) return;

  throw new DatasetFormatError(
    `Dataset folder ${rootDir} has bad image files, so nothing was imported. ${sentences.join(' ')} Replace or remove these files and import again.`,
  );
}
