/**
 * Reads the marker segments of a JPEG up to its first scan (ITU-T T.81,
 * annex B) to tell whether libjpeg's own output is already what the full
 * sharp pipeline would produce, and which decoder may decode it.
 */

const startOfImage = 0xd8;
const startOfScan = 0xda;
const app1 = 0xe1;
const app2 = 0xe2;
const app14 = 0xee;

/** Sampling factors of one component (T.81 table B.2). */
export interface ComponentSampling {
  horizontal: number;
  vertical: number;
}

/** The frame header of a plain RGB JPEG. */
export interface PlainRgbJpegFrame {
  /** The start-of-frame marker: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, others rarer. */
  marker: number;
  width: number;
  height: number;
  /** Y, Cb and Cr, in frame order. */
  sampling: ComponentSampling[];
}

/**
 * Returns the frame header of an 8-bit, three-component JPEG without an
 * EXIF block, an ICC profile or an Adobe colour transform marker anywhere
 * before its first scan. libjpeg decodes such a file straight to sRGB in
 * stored orientation, so rotating by EXIF and converting the colour space
 * would change nothing. Returns null for anything else, truncated or invalid
 * data included.
 */
export function plainRgbJpegFrame(bytes: Uint8Array): PlainRgbJpegFrame | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== startOfImage) return null;

  let frame: PlainRgbJpegFrame | null = null;
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return null;
    const marker = bytes[position + 1];
    // Fill bytes: any number of 0xff may come before a marker.
    if (marker === 0xff) {
      position += 1;
      continue;
    }

    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    const body = position + 4;
    if (length < 2 || position + 2 + length > bytes.length) return null;

    if (marker === startOfScan) return frame;
    if (isStartOfFrame(marker)) {
      frame = readFrame(bytes, marker, body, length - 2);
      if (!frame) return null;
    }
    if (marker === app1 && hasPrefix(bytes, body, 'Exif\0')) return null;
    if (marker === app2 && hasPrefix(bytes, body, 'ICC_PROFILE\0')) return null;
    if (marker === app14 && hasPrefix(bytes, body, 'Adobe')) return null;
    position += 2 + length;
  }
  return null;
}

/** Returns true when `plainRgbJpegFrame` finds a frame. */
export function isPlainRgbJpeg(bytes: Uint8Array): boolean {
  return plainRgbJpegFrame(bytes) !== null;
}

/** Reads an 8-bit, three-component frame header, or returns null for any other. */
function readFrame(bytes: Uint8Array, marker: number, body: number, bodyLength: number): PlainRgbJpegFrame | null {
  // Precision, height, width and component count take 6 bytes, then 3 bytes per component.
  if (bodyLength < 6 + 3 * 3 || bytes[body] !== 8 || bytes[body + 5] !== 3) return null;

  const sampling: ComponentSampling[] = [];
  for (let component = 0; component < 3; component++) {
    const factors = bytes[body + 6 + component * 3 + 1];
    sampling.push({ horizontal: factors >> 4, vertical: factors & 0x0f });
  }
  return {
    marker,
    height: (bytes[body + 1] << 8) | bytes[body + 2],
    width: (bytes[body + 3] << 8) | bytes[body + 4],
    sampling,
  };
}

/** SOF0 to SOF15, leaving out DHT (0xc4), JPG (0xc8) and DAC (0xcc), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function hasPrefix(bytes: Uint8Array, start: number, prefix: string): boolean {
  if (start + prefix.length > bytes.length) return false;
  for (let index = 0; index < prefix.length; index++) if (bytes[start + index] !== prefix.charCodeAt(index)) return false;
  return true;
}
