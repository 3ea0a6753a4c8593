import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageSize } from '../../main/datasets/image-header';
import { dukeRoot, marketSamples } from './fixtures';

function sampleJpegs(): string[] {
  const query = join(dukeRoot, 'query');
  const dukeNames = readdirSync(query).sort().slice(0, 10).map((name) => join(query, name));
  const marketNames = readdirSync(marketSamples).sort().slice(0, 5).map((name) => join(marketSamples, name));
  return [...dukeNames, ...marketNames];
}

describe('readImageSize', () => {
  it('real jpeg sizes match decoder', async () => {
    for (const file of sampleJpegs()) {
      const metadata = await sharp(file).metadata();
      expect(readImageSize(readFileSync(file)), file).toEqual({ format: 'jpeg', width: metadata.width, height: metadata.height });
    }
  });

  it('png header', async () => {
    const png = await sharp({ create: { width: 37, height: 91, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(readImageSize(png)).toEqual({ format: 'png', width: 37, height: 91 });
  });

  it('progressive jpeg', async () => {
    const jpeg = await sharp({ create: { width: 48, height: 120, channels: 3, background: '#204060' } }).jpeg({ progressive: true }).toBuffer();
    expect(readImageSize(jpeg)).toEqual({ format: 'jpeg', width: 48, height: 120 });
  });

  it('jpeg truncated before frame header', () => {
    const bytes = readFileSync(sampleJpegs()[0]);
    const frameOffset = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    expect(frameOffset).toBeGreaterThan(2);
    expect(readImageSize(bytes.subarray(0, frameOffset))).toBeNull();
    expect(readImageSize(bytes.subarray(0, frameOffset + 6))).toBeNull();
  });

  it('corrupt segment marker', () => {
    const bytes = Buffer.from(readFileSync(sampleJpegs()[0]));
    bytes[2] = 0x00;
    expect(readImageSize(bytes)).toBeNull();
  });

  it('empty and foreign bytes', () => {
    expect(readImageSize(Buffer.alloc(0))).toBeNull();
    expect(readImageSize(Buffer.from('GIF89a\x01\x00\x01\x00'))).toBeNull();
    expect(readImageSize(Buffer.from([0xff, 0xd8]))).toBeNull();
  });

  it('png without IHDR', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000000' } }).png().toBuffer();
    expect(readImageSize(png.subarray(0, 20))).toBeNull();
  });
});
