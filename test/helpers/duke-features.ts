import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import type { LabelledSet } from '../../main/retrieval/labelled-set';

/*
 * OSNet x0.25 (MSMT17) features of real DukeMTMC-reID images for tests and
 * benchmarks, computed with sharp and ONNX Runtime directly and cached in
 * .cache/test/ under a hash of the model, the preprocessing and the file list.
 */

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const dataRoot = resolve(repositoryRoot, '../shared/data');
export const dukeRoot = join(dataRoot, 'DukeMTMC-reID');
export const osnetModelPath = join(dataRoot, 'models/osnet_x0_25_msmt17.onnx');
const cacheDirectory = join(repositoryRoot, '.cache/test');

export const osnetDimension = 512;
const inputWidth = 128;
const inputHeight = 256;
const imagenetMean = [0.485, 0.456, 0.406];
const imagenetStd = [0.229, 0.224, 0.225];
/** Changes whenever the preprocessing below changes, so stale cache files are not reused. */
const preprocessingVersion = 'sharp-fill-linear-128x256-rgb-imagenet-v1';

export type DukeSplit = 'query' | 'bounding_box_test' | 'bounding_box_train';

export interface DukeImage {
  /** Path relative to the DukeMTMC-reID folder, such as `query/0005_c2_f0046985.jpg`. */
  file: string;
  personId: number;
  cameraId: number;
}

/** Reads person and camera ids from a Duke name `PPPP_cC_fFFFFFFF.jpg`. */
export function parseDukeFileName(name: string): { personId: number; cameraId: number } {
  const match = /^(\d{4})_c(\d)_f\d+\.jpg$/.exec(name);
  if (!match) throw new Error(`${name} is not a DukeMTMC-reID image name of the form PPPP_cC_fFFFFFFF.jpg.`);
  return { personId: Number(match[1]), cameraId: Number(match[2]) };
}

/** Lists the images of a split sorted by file name. */
export function listDukeImages(split: DukeSplit): DukeImage[] {
  return readdirSync(join(dukeRoot, split))
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .map((name) => ({ file: `${split}/${name}`, ...parseDukeFileName(name) }));
}

export function toLabelledSet(images: DukeImage[], features: Float32Array): LabelledSet {
  return {
    features,
    personIds: Int32Array.from(images, (image) => image.personId),
    cameraIds: Int32Array.from(images, (image) => image.cameraId),
  };
}

/**
 * Returns the OSNet features of `images` (row-major, 512 per image, not
 * normalised), from the cache when an earlier call embedded the same list.
 */
export async function computeDukeFeatures(images: DukeImage[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const cachePath = join(cacheDirectory, `duke-osnet-${cacheKey(images)}.f32`);
  if (existsSync(cachePath)) {
    const bytes = readFileSync(cachePath);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  const features = await embedImages(images, onProgress);
  mkdirSync(cacheDirectory, { recursive: true });
  const temporaryPath = `${cachePath}.${process.pid}.tmp`;
  writeFileSync(temporaryPath, new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
  renameSync(temporaryPath, cachePath);
  return features;
}

function cacheKey(images: DukeImage[]): string {
  const hash = createHash('sha256');
  hash.update(`${osnetModelPath}\n${statSync(osnetModelPath).size}\n${preprocessingVersion}\n`);
  for (const image of images) hash.update(`${image.file}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** Embeds images one at a time (the model's batch is fixed at 1), with one lane per core. */
async function embedImages(images: DukeImage[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const session = await InferenceSession.create(osnetModelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const features = new Float32Array(images.length * osnetDimension);
  let next = 0;
  let done = 0;

  const lane = async () => {
    while (next < images.length) {
      const index = next++;
      const input = await readModelInput(join(dukeRoot, images[index].file));
      const result = await session.run({ images: new Tensor('float32', input, [1, 3, inputHeight, inputWidth]) });
      features.set(result.output.data as Float32Array, index * osnetDimension);
      done += 1;
      if (done % 500 === 0 || done === images.length) onProgress?.(done, images.length);
    }
  };

  await Promise.all(Array.from({ length: availableParallelism() }, lane));
  await session.release();
  return features;
}

/** Decodes an image, stretches it to 128 x 256 and lays it out as normalised NCHW RGB floats. */
async function readModelInput(path: string): Promise<Float32Array> {
  const { data } = await sharp(path)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(inputWidth, inputHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });

  const planeSize = inputWidth * inputHeight;
  const input = new Float32Array(3 * planeSize);
  for (let pixel = 0; pixel < planeSize; pixel += 1) {
    for (let channel = 0; channel < 3; channel += 1) {
      input[channel * planeSize + pixel] = (data[pixel * 3 + channel] / 255 - imagenetMean[channel]) / imagenetStd[channel];
    }
  }
  return input;
}
