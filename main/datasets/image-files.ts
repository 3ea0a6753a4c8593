import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Db } from '../db/workspace';
import { DatasetFormatError, NotFoundError, ValidationError } from '../errors';

interface ImageLocation {
  rootDir: string;
  path: string;
  width: number;
  height: number;
}

/** Largest `maxSide` accepted, in pixels; thumbnails and detail views need far less. */
const maxSideLimit = 4096;

/** JPEG quality of scaled or converted images; high enough that crops of 64 x 128 pixels keep their detail. */
const jpegQuality = 90;

function findImage(db: Db, imageId: number): ImageLocation {
  const row = db
    .prepare('SELECT datasets.root_dir AS rootDir, images.path, images.width, images.height FROM images JOIN datasets ON datasets.id = images.dataset_id WHERE images.id = ?')
    .get(imageId) as ImageLocation | undefined;
  if (row === undefined) throw new NotFoundError(`Image ${imageId} does not exist in this workspace.`);
  return row;
}

/** Absolute path of an image file: its dataset's root folder joined with the stored relative path. */
export function imageAbsolutePath(db: Db, imageId: number): string {
  const image = findImage(db, imageId);
  return join(image.rootDir, image.path);
}

/**
 * Reads an image as a JPEG data URL. With `maxSide`, images larger than that
 * are scaled down to fit it, keeping the aspect ratio; smaller ones are never
 * enlarged. JPEG files that need no scaling are sent as stored, byte for byte.
 */
export async function readImageDataUrl(db: Db, imageId: number, maxSide?: number): Promise<{ dataUrl: string; width: number; height: number }> {
  if (maxSide !== undefined && (!Number.isInteger(maxSide) || maxSide < 1 || maxSide > maxSideLimit)) {
    throw new ValidationError(`maxSide ${maxSide} is invalid; pass a whole number of pixels from 1 to ${maxSideLimit}.`);
  }
  const image = findImage(db, imageId);
  const filePath = join(image.rootDir, image.path);
  const bytes = await readImageFile(filePath, imageId);

  const fits = maxSide === undefined || Math.max(image.width, image.height) <= maxSide;
  const isJpeg = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8;
  if (fits && isJpeg) {
    return { dataUrl: toDataUrl(bytes), width: image.width, height: image.height };
  }

  try {
    const pipeline = sharp(bytes);
    if (!fits) pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
    const { data, info } = await pipeline.jpeg({ quality: jpegQuality }).toBuffer({ resolveWithObject: true });
    return { dataUrl: toDataUrl(data), width: info.width, height: info.height };
  } catch (error) {
    throw new DatasetFormatError(`Image file ${filePath} cannot be decoded (${(error as Error).message}). The file may have changed since import; re-import the dataset.`, { cause: error });
  }
}

async function readImageFile(filePath: string, imageId: number): Promise<Buffer> {
  try {
    return await readFile(filePath);
  } catch (error) {
    throw new NotFoundError(
      `Image ${imageId} cannot be read from ${filePath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). If the dataset folder moved, delete the dataset and import it from its new place.`,
      { cause: error },
    );
  }
}

function toDataUrl(jpegBytes: Buffer): string {
  return `data:image/jpeg;base64,${jpegBytes.toString('base64')}`;
}
