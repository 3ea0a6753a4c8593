import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeImage } from '../../../main/ml/embedding';
import { loadWasmJpegDecoder, maxWasmPixels, type WasmJpegDecoder } from '../../../main/ml/embedding/wasm-jpeg';
import { dukeFileNames, dukeRoot } from './fixtures';

let decoder: WasmJpegDecoder;

beforeAll(async () => {
  decoder = await loadWasmJpegDecoder();
});

const fixtures = join(import.meta.dirname, '../../fixtures/jpeg');

const dukeCrops = [
  ...dukeFileNames('query', 40).map((name) => join(dukeRoot, 'query', name)),
  ...dukeFileNames('gallery', 40).map((name) => join(dukeRoot, 'bounding_box_test', name)),
].map((path) => readFileSync(path));

/** Counts the bytes where the two decoders disagree, after checking the sizes. */
async function differingBytes(jpeg: Uint8Array): Promise<number> {
  const fromWasm = decoder.decode(jpeg);
  const fromSharp = await decodeImage(jpeg);
  expect(fromWasm).not.toBeNull();
  expect([fromWasm!.width, fromWasm!.height]).toEqual([fromSharp.width, fromSharp.height]);
  expect(fromWasm!.pixels.length).toBe(fromSharp.pixels.length);

  let differing = 0;
  for (let index = 0; index < fromSharp.pixels.length; index++) if (fromWasm!.pixels[index] !== fromSharp.pixels[index]) differing++;
  return differing;
}

describe('WebAssembly JPEG decoder', () => {
  it('matches sharp on Duke crops', async () => {
    for (const jpeg of dukeCrops) expect(await differingBytes(jpeg)).toBe(0);
  });

  it('matches sharp on progressive and 4:4:4 JPEGs', async () => {
    const progressive = await sharp(dukeCrops[0]).jpeg({ progressive: true, quality: 90 }).toBuffer();
    const fullChroma = await sharp(dukeCrops[1]).jpeg({ chromaSubsampling: '4:4:4', quality: 95 }).toBuffer();

    expect(await differingBytes(progressive)).toBe(0);
    expect(await differingBytes(fullChroma)).toBe(0);
  });

  // libjpeg only warns about missing scan data and fills the rest with grey.
  it('rejects a JPEG cut in its scan data', () => {
    const crop = dukeCrops[2];
    const cut = crop.subarray(0, Math.floor(crop.length * 0.6));

    expect(decoder.decode(cut)).toBeNull();
  });

  it('rejects non-JPEG bytes, then decodes again', () => {
    const headerThenNoise = Buffer.concat([dukeCrops[3].subarray(0, 600), Buffer.alloc(3000, 7)]);

    expect(decoder.decode(headerThenNoise)).toBeNull();
    expect(decoder.decode(Buffer.from('this is no image'))).toBeNull();
    expect(decoder.decode(dukeCrops[3])).not.toBeNull();
  });

  it('leaves images above the pixel limit to sharp', async () => {
    const width = 8200;
    const height = Math.ceil(maxWasmPixels / width) + 8;
    const large = await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 30 } } }).jpeg().toBuffer();

    expect(decoder.decode(large)).toBeNull();
    expect(decoder.decode(dukeCrops[4])).not.toBeNull();
  });

  it('matches sharp on 4:2:2 JPEGs', async () => {
    expect(await differingBytes(readFileSync(join(fixtures, 'chroma-422.jpg')))).toBe(0);
  });

  it('leaves 4:4:0 and arithmetic coding to sharp', () => {
    expect(decoder.decode(readFileSync(join(fixtures, 'chroma-440.jpg')))).toBeNull();
    expect(decoder.decode(readFileSync(join(fixtures, 'arithmetic.jpg')))).toBeNull();
  });

  // A fatal libjpeg error leaks decoder memory. Without a fresh instance, later decodes failed or hung.
  it('keeps decoding after many fatal errors', async () => {
    const arithmetic = readFileSync(join(fixtures, 'arithmetic.jpg'));
    const expected = (await decodeImage(dukeCrops[5])).pixels;

    for (let failure = 0; failure < 150; failure++) {
      expect(decoder.decode(arithmetic)).toBeNull();
      await vi.waitFor(() => expect(decoder.decode(dukeCrops[5])).not.toBeNull());
    }
    expect(Buffer.from(decoder.decode(dukeCrops[5])!.pixels).equals(Buffer.from(expected))).toBe(true);
  });
});
