import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../main/ml/embedding';
import { isPlainRgbJpeg, plainRgbJpegFrame } from '../../../main/ml/embedding/jpeg-header';
import { dukeFileNames, dukeRoot } from './fixtures';

const dukePaths = dukeFileNames('query', 4).map((name) => join(dukeRoot, 'query', name));

/** Decodes with every conversion step, the pipeline that plain JPEGs skip. */
async function decodeFully(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes, { autoOrient: true }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('isPlainRgbJpeg', () => {
  it('accepts Duke crops', () => {
    for (const path of dukePaths) expect(isPlainRgbJpeg(readFileSync(path))).toBe(true);
  });

  it('rejects EXIF orientation', async () => {
    const rotated = await sharp(readFileSync(dukePaths[0])).withMetadata({ orientation: 6 }).jpeg().toBuffer();

    expect(isPlainRgbJpeg(rotated)).toBe(false);
  });

  it('rejects an ICC profile', async () => {
    const tagged = await sharp(readFileSync(dukePaths[0])).withIccProfile('p3').jpeg().toBuffer();

    expect(isPlainRgbJpeg(tagged)).toBe(false);
  });

  it('rejects grey and CMYK', async () => {
    const grey = await sharp(readFileSync(dukePaths[0])).toColourspace('b-w').jpeg().toBuffer();
    const cmyk = await sharp(readFileSync(dukePaths[0])).toColourspace('cmyk').jpeg().toBuffer();

    expect(isPlainRgbJpeg(grey)).toBe(false);
    expect(isPlainRgbJpeg(cmyk)).toBe(false);
  });

  it('rejects PNG and truncated data', async () => {
    const png = await sharp(readFileSync(dukePaths[0])).png().toBuffer();
    const jpeg = readFileSync(dukePaths[0]);

    expect(isPlainRgbJpeg(png)).toBe(false);
    expect(isPlainRgbJpeg(jpeg.subarray(0, 20))).toBe(false);
    expect(isPlainRgbJpeg(new Uint8Array([0xff, 0xd8]))).toBe(false);
  });

  it('rejects EXIF and ICC after the frame header', async () => {
    const rotated = await sharp(readFileSync(dukePaths[0])).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const tagged = await sharp(readFileSync(dukePaths[0])).withIccProfile('p3').jpeg().toBuffer();

    expect(isPlainRgbJpeg(moveSegmentAfterFrame(rotated, 0xe1))).toBe(false);
    expect(isPlainRgbJpeg(moveSegmentAfterFrame(tagged, 0xe2))).toBe(false);
  });
});

describe('plainRgbJpegFrame', () => {
  it('reads size, frame type and sampling', () => {
    const frame = plainRgbJpegFrame(readFileSync(dukePaths[0]));

    expect(frame).not.toBeNull();
    expect(frame!.marker).toBe(0xc0);
    expect(frame!.width).toBeGreaterThan(0);
    expect(frame!.height).toBeGreaterThan(frame!.width);
    expect(frame!.sampling).toEqual([
      { horizontal: 2, vertical: 2 },
      { horizontal: 1, vertical: 1 },
      { horizontal: 1, vertical: 1 },
    ]);
  });
});

/** Moves the first segment with `marker` from before the frame header to right after it, where some writers put it. */
function moveSegmentAfterFrame(jpeg: Buffer, marker: number): Buffer {
  const segments: Buffer[] = [];
  let position = 2;
  while (jpeg[position + 1] !== 0xda) {
    const length = jpeg.readUInt16BE(position + 2);
    segments.push(jpeg.subarray(position, position + 2 + length));
    position += 2 + length;
  }

  const moved = segments.findIndex((segment) => segment[1] === marker);
  const frame = segments.findIndex((segment) => segment[1] === 0xc0 || segment[1] === 0xc2);
  expect(moved).toBeGreaterThanOrEqual(0);
  expect(moved).toBeLessThan(frame);
  const reordered = segments.filter((_, index) => index !== moved);
  reordered.splice(frame, 0, segments[moved]);
  return Buffer.concat([jpeg.subarray(0, 2), ...reordered, jpeg.subarray(position)]);
}

describe('decodeImage', () => {
  it('plain JPEG matches full pipeline', async () => {
    for (const path of dukePaths) {
      const bytes = readFileSync(path);

      const decoded = await decodeImage(bytes);
      const expected = await decodeFully(bytes);

      expect([decoded.width, decoded.height]).toEqual([expected.width, expected.height]);
      expect(Buffer.compare(Buffer.from(decoded.pixels), expected.data)).toBe(0);
    }
  });

  it('applies EXIF orientation', async () => {
    const original = await decodeImage(readFileSync(dukePaths[0]));
    const rotated = await sharp(readFileSync(dukePaths[0])).withMetadata({ orientation: 6 }).jpeg().toBuffer();

    const decoded = await decodeImage(rotated);

    expect(decoded.width).toBe(original.height);
    expect(decoded.height).toBe(original.width);
  });

  it('expands grey to RGB', async () => {
    const grey = await sharp(readFileSync(dukePaths[0])).toColourspace('b-w').jpeg().toBuffer();

    const decoded = await decodeImage(grey);

    expect(decoded.pixels.length).toBe(decoded.width * decoded.height * 3);
  });
});
