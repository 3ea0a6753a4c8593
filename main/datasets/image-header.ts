/**
 * Image size from the JPEG or PNG header, without decoding pixels.
 * JPEG: markers follow the ITU T.81 (JPEG) segment syntax; the first
 * start-of-frame segment carries height and width. PNG: the IHDR chunk follows
 * the 8-byte signature (PNG specification, section 11.2.2).
 */

export interface ImageSize {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Returns the size in the header of `bytes`, or null when the header is missing, corrupt or truncated. */
export function readImageSize(bytes: Buffer): ImageSize | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return readJpegSize(bytes);
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(pngSignature)) return readPngSize(bytes);
  return null;
}

/**
 * Start-of-frame markers C0-CF, except C4 (huffman tables), C8 (reserved) and
 * CC (arithmetic coding conditioning), which share the range.
 */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegSize(bytes: Buffer): ImageSize | null {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1];

    // 0xFF fill bytes may precede a marker.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    // Markers without a length field: TEM and the restart markers RST0-RST7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    // End of image or start of scan before any frame header: no size to read.
    if (marker === 0xd9 || marker === 0xda) return null;

    const segmentLength = bytes.readUInt16BE(offset + 2);
    if (segmentLength < 2) return null;
    if (isStartOfFrame(marker)) return readFrameHeader(bytes, offset + 4, segmentLength);
    offset += 2 + segmentLength;
  }
  return null;
}

/** Frame header: sample precision (1 byte), height (2), width (2), component count (1). */
function readFrameHeader(bytes: Buffer, start: number, segmentLength: number): ImageSize | null {
  if (segmentLength < 8 || start + 6 > bytes.length) return null;

  const height = bytes.readUInt16BE(start + 1);
  const width = bytes.readUInt16BE(start + 3);
  // NOTE: a height of 0 is legal JPEG (the DNL segment sets it later) but no camera writes it, so it is rejected here.
  if (width === 0 || height === 0) return null;
  return { format: 'jpeg', width, height };
}

function readPngSize(bytes: Buffer): ImageSize | null {
  // Signature (8), chunk length (4), chunk type "IHDR" (4), width (4), height (4).
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;

  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) return null;
  return { format: 'png', width, height };
}
