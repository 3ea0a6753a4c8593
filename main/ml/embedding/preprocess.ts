import sharp from 'sharp';
import type { ModelCard } from '../../api/schemas';

/** The part of a model card that decides how an image becomes an input tensor. */
export type PreprocessCard = Pick<ModelCard, 'height' | 'width' | 'mean' | 'std' | 'channelOrder'>;

/**
 * Decodes an image (a file path or encoded bytes) and resizes it to the card's
 * height x width with bilinear interpolation, ignoring the aspect ratio as ReID
 * models are trained. Returns interleaved 8-bit RGB, height x width x 3.
 * Grey and alpha images become plain RGB, and EXIF orientation is applied.
 */
export async function decodeAndResize(source: string | Uint8Array, card: PreprocessCard): Promise<Buffer> {
  return sharp(source, { autoOrient: true })
    .resize(card.width, card.height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer();
}

/**
 * Writes one interleaved RGB image into `target` at `offset` as planar
 * float32 channels (the C, H, W part of NCHW): pixel / 255, minus the card's
 * mean, divided by its std, in the card's channel order.
 */
export function writeNchw(rgb: Uint8Array, card: PreprocessCard, target: Float32Array, offset: number): void {
  const planeSize = card.height * card.width;
  const sourceChannels = card.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];

  for (let channel = 0; channel < 3; channel++) {
    const sourceChannel = sourceChannels[channel];
    const scale = 1 / (255 * card.std[channel]);
    const shift = card.mean[channel] / card.std[channel];
    const planeStart = offset + channel * planeSize;

    for (let pixel = 0; pixel < planeSize; pixel++) {
      target[planeStart + pixel] = rgb[pixel * 3 + sourceChannel] * scale - shift;
    }
  }
}

/** Decodes, resizes and normalises one image into a new [3, height, width] tensor's data. */
export async function preprocessImage(source: string | Uint8Array, card: PreprocessCard): Promise<Float32Array> {
  const rgb = await decodeAndResize(source, card);
  const tensor = new Float32Array(3 * card.height * card.width);
  writeNchw(rgb, card, tensor, 0);
  return tensor;
}
