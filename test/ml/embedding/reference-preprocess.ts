import sharp from 'sharp';
import type { PreprocessCard } from '../../../main/ml/embedding';

/*
 * The preprocessing the embedding job should do, written out directly for
 * comparison: sharp decodes, and every output pixel sums its 2D
 * triangle-filter footprint (Pillow's bilinear) before normalisation.
 */

/** Input pixels and normalised weights of one output pixel along one axis. */
function footprint(output: number, inputSize: number, outputSize: number): Array<{ input: number; weight: number }> {
  const scale = inputSize / outputSize;
  const support = Math.max(scale, 1);
  const centre = (output + 0.5) * scale;
  const taps: Array<{ input: number; weight: number }> = [];
  for (let input = 0; input < inputSize; input++) {
    const weight = 1 - Math.abs(input + 0.5 - centre) / support;
    if (weight > 0) taps.push({ input, weight });
  }
  const sum = taps.reduce((total, tap) => total + tap.weight, 0);
  return taps.map((tap) => ({ input: tap.input, weight: tap.weight / sum }));
}

/** Resizes interleaved RGB to planar float values in [0, 255], in RGB order. */
export function referenceResize(rgb: Uint8Array, inputWidth: number, inputHeight: number, width: number, height: number): Float64Array {
  const planes = new Float64Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    const rows = footprint(y, inputHeight, height);
    for (let x = 0; x < width; x++) {
      const columns = footprint(x, inputWidth, width);
      for (let channel = 0; channel < 3; channel++) {
        let value = 0;
        for (const row of rows) for (const column of columns) value += rgb[(row.input * inputWidth + column.input) * 3 + channel] * row.weight * column.weight;
        planes[channel * width * height + y * width + x] = value;
      }
    }
  }
  return planes;
}

/** Decodes a file with sharp and returns the normalised [3, height, width] input that the card specifies. */
export async function referenceInput(path: string, card: PreprocessCard): Promise<Float32Array> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const planes = referenceResize(data, info.width, info.height, card.width, card.height);
  const planeSize = card.width * card.height;
  const input = new Float32Array(3 * planeSize);

  for (let channel = 0; channel < 3; channel++) {
    const source = card.channelOrder === 'RGB' ? channel : 2 - channel;
    for (let pixel = 0; pixel < planeSize; pixel++) {
      input[channel * planeSize + pixel] = (planes[source * planeSize + pixel] / 255 - card.mean[channel]) / card.std[channel];
    }
  }
  return input;
}
