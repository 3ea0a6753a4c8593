/**
 * Reads the marker segments of a JPEG up to its frame header (ITU-T T.81,
 * annex B) to tell whether libjpeg's own output is already what the full
 * sharp pipeline would produce.
 */

const startOfImage = 0xd8;
const startOfScan = 0xda;
const app1 = 0xe1;
const app2 = 0xe2;
const app14 = 0xee;

/**
 * Returns true for an 8-bit, three-component JPEG without an EXIF block, an
 * ICC profile or an Adobe colour transform marker. libjpeg decodes such a
 * file straight to sRGB in stored orientation, so rotating by EXIF and
 * converting the colour space would change nothing. Returns false for
 * anything else, truncated or invalid data included.
 */
export function isPlainRgbJpeg(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== startOfImage) return false;

  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) return false;
    const marker = bytes[position + 1];
    // Fill bytes: any number of 0xff may come before a marker.
    if (marker === 0xff) {
      position += 1;
      continue;
    }

    const length = (bytes[position + 2] << 8) | bytes[position + 3];
    const body = position + 4;
    if (length < 2 || position + 2 + length > bytes.length) return false;

    if (isStartOfFrame(marker)) return length >= 8 && bytes[body] === 8 && bytes[body + 5] === 3;
    if (marker === startOfScan) return false;
    if (marker === app1 && hasPrefix(bytes, body, 'Exif\0')) return false;
    if (marker === app2 && hasPrefix(bytes, body, 'ICC_PROFILE\0')) return false;
    if (marker === app14 && hasPrefix(bytes, body, 'Adobe')) return false;
    position += 2 + length;
  }
  return false;
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
