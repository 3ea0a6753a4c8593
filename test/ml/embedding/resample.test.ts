import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resampleToNchw, type PreprocessCard } from '../../../main/ml/embedding';
import { dukeFileNames, dukeRoot } from './fixtures';
import { referenceResize } from './reference-preprocess';

/** Returns a card whose normalisation keeps levels unchanged: (level / 255 - 0) / (1 / 255). */
function levelsCard(width: number, height: number, channelOrder: 'RGB' | 'BGR' = 'RGB'): PreprocessCard {
  return { width, height, mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255], channelOrder };
}

/** Builds interleaved RGB with the same grey level in every channel. */
function grey(levels: number[]): Uint8Array {
  return Uint8Array.from(levels.flatMap((level) => [level, level, level]));
}

function resample(rgb: Uint8Array, inputWidth: number, inputHeight: number, card: PreprocessCard): number[] {
  const target = new Float32Array(3 * card.width * card.height);
  resampleToNchw(rgb, inputWidth, inputHeight, card, target, 0);
  return Array.from(target);
}

describe('resampleToNchw', () => {
  it('doubles width with centred pixels', () => {
    const plane = resample(grey([0, 255]), 2, 1, levelsCard(4, 1)).slice(0, 4);

    // Output centres sit at input coordinates 0.25, 0.75, 1.25 and 1.75; the outer two repeat the edge.
    expect(plane.map((value) => Number(value.toFixed(3)))).toEqual([0, 63.75, 191.25, 255]);
  });

  it('halves width with a widened filter', () => {
    const plane = resample(grey([0, 0, 255, 255]), 4, 1, levelsCard(2, 1)).slice(0, 2);

    // Output 0 is centred at 1 with support 2: inputs 0, 1, 2 weigh 0.75, 0.75, 0.25.
    const expectedFirst = (0.25 * 255) / 1.75;
    expect(plane[0]).toBeCloseTo(expectedFirst, 3);
    expect(plane[1]).toBeCloseTo(255 - expectedFirst, 3);
  });

  it('keeps an image of the same size', () => {
    const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, index) => (index * 37) % 256);

    const planes = resample(rgb, 4, 3, levelsCard(4, 3));

    for (let pixel = 0; pixel < 12; pixel++) {
      for (let channel = 0; channel < 3; channel++) expect(planes[channel * 12 + pixel]).toBeCloseTo(rgb[pixel * 3 + channel], 4);
    }
  });

  it('writes BGR planes in reverse order', () => {
    const rgb = Uint8Array.from([10, 20, 30]);

    expect(resample(rgb, 1, 1, levelsCard(1, 1, 'BGR')).map(Math.round)).toEqual([30, 20, 10]);
  });

  it('normalises with mean and std', () => {
    const card: PreprocessCard = { width: 1, height: 1, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2], channelOrder: 'RGB' };

    const values = resample(Uint8Array.from([255, 0, 51]), 1, 1, card);

    expect(values[0]).toBeCloseTo((1 - 0.5) / 0.5, 5);
    expect(values[1]).toBeCloseTo((0 - 0.25) / 0.25, 5);
    expect(values[2]).toBeCloseTo(0.2 / 2, 5);
  });

  it('writes at the given offset', () => {
    const target = new Float32Array(3 + 3).fill(-7);

    resampleToNchw(Uint8Array.from([255, 255, 255]), 1, 1, levelsCard(1, 1), target, 3);

    expect(Array.from(target)).toEqual([-7, -7, -7, 255, 255, 255]);
  });

  it('matches the 2D reference on Duke crops', async () => {
    const names = [...dukeFileNames('query', 3), ...dukeFileNames('gallery', 3)];
    for (const [index, name] of names.entries()) {
      const folder = index < 3 ? 'query' : 'bounding_box_test';
      const { data, info } = await sharp(join(dukeRoot, folder, name)).raw().toBuffer({ resolveWithObject: true });

      const actual = resample(data, info.width, info.height, levelsCard(128, 256));
      const expected = referenceResize(data, info.width, info.height, 128, 256);

      const maxDifference = actual.reduce((max, value, position) => Math.max(max, Math.abs(value - expected[position])), 0);
      expect(maxDifference).toBeLessThan(1e-3);
    }
  });

  it('shrinks a large image like the reference', () => {
    const width = 300;
    const height = 500;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, index) => (index * 7919) % 256);

    const actual = resample(rgb, width, height, levelsCard(128, 256));
    const expected = referenceResize(rgb, width, height, 128, 256);

    const maxDifference = actual.reduce((max, value, position) => Math.max(max, Math.abs(value - expected[position])), 0);
    expect(maxDifference).toBeLessThan(1e-3);
  });
});
