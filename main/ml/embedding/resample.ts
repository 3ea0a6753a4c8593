import type { PreprocessCard } from './preprocess';

/**
 * Bilinear (triangle-filter) resampling of 8-bit interleaved RGB into
 * normalised planar float32, as two separable passes.
 *
 * Output pixel i samples around input coordinate (i + 0.5) * scale, so pixel
 * centres line up. When shrinking, the filter widens by the scale so that
 * every input pixel contributes (antialiasing). When growing, it is 2-tap
 * linear interpolation with the edge pixels repeated. This is the bilinear
 * resize of Pillow, which torchvision's Resize applies to PIL images, the
 * usual test transform of ReID training code. Pillow rounds to 8 bits between
 * its two passes and this code does not, so values differ by up to half a level.
 */

/** Filter taps of each output pixel along one axis. */
interface AxisTaps {
  /** First input pixel of each output pixel. */
  starts: Int32Array;
  /** Number of input pixels of each output pixel. */
  counts: Int32Array;
  /** Weights, `stride` per output pixel, each group summing to 1. */
  weights: Float32Array;
  stride: number;
  /** Largest entry of `counts`. */
  maxCount: number;
}

const tapsCache = new Map<string, AxisTaps>();
const maxCachedAxes = 4096;

// Scratch buffer reused between calls. A worker thread runs one resample at a time.
let columnsScratch = new Float32Array(0);

/**
 * Resamples `rgb` (inputWidth x inputHeight x 3) to the card's height and
 * width and writes it into `target` at `offset` as three planes in the card's
 * channel order, each value (level / 255 - mean) / std.
 */
export function resampleToNchw(rgb: Uint8Array, inputWidth: number, inputHeight: number, card: PreprocessCard, target: Float32Array, offset: number): void {
  const rowLength = inputWidth * 3;
  if (columnsScratch.length < card.height * rowLength) columnsScratch = new Float32Array(card.height * rowLength);

  // Vertical first: person crops are narrower than the model input, so the
  // first pass works on fewer columns than the second would.
  resampleColumns(rgb, axisTaps(inputHeight, card.height), rowLength, card.height, columnsScratch);
  resampleRows(columnsScratch, axisTaps(inputWidth, card.width), inputWidth, card, target, offset);
}

/** Vertical pass: each output row is a weighted sum of input rows, still interleaved RGB at the input width. */
function resampleColumns(rgb: Uint8Array, taps: AxisTaps, rowLength: number, outputHeight: number, columns: Float32Array): void {
  const { starts, counts, weights, stride } = taps;

  for (let y = 0; y < outputHeight; y++) {
    const output = y * rowLength;
    const firstRow = starts[y] * rowLength;

    // Growing, the common case for person crops, needs two taps and gets a fused loop.
    if (counts[y] === 2) {
      const upper = weights[y * stride];
      const lower = weights[y * stride + 1];
      const secondRow = firstRow + rowLength;
      for (let index = 0; index < rowLength; index++) columns[output + index] = rgb[firstRow + index] * upper + rgb[secondRow + index] * lower;
      continue;
    }

    const weight = weights[y * stride];
    for (let index = 0; index < rowLength; index++) columns[output + index] = rgb[firstRow + index] * weight;
    for (let tap = 1; tap < counts[y]; tap++) {
      const tapWeight = weights[y * stride + tap];
      const tapRow = firstRow + tap * rowLength;
      for (let index = 0; index < rowLength; index++) columns[output + index] += rgb[tapRow + index] * tapWeight;
    }
  }
}

/**
 * Horizontal pass: resamples each row to the output width and writes the
 * normalised planes. All three channels of a row go in one sweep, so each
 * output pixel reads its taps' interleaved RGB values once.
 */
function resampleRows(columns: Float32Array, taps: AxisTaps, inputWidth: number, card: PreprocessCard, target: Float32Array, offset: number): void {
  const { width, height } = card;
  const { starts, counts, weights, stride } = taps;
  const planeSize = width * height;
  const rowLength = inputWidth * 3;
  const normalization = channelNormalization(card);
  const [scale0, scale1, scale2] = normalization.scales;
  const [shift0, shift1, shift2] = normalization.shifts;
  const [plane0, plane1, plane2] = normalization.planes.map((plane) => offset + plane * planeSize);

  for (let y = 0; y < height; y++) {
    const row = y * rowLength;
    const outputRow = y * width;
    for (let x = 0; x < width; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      let input = row + starts[x] * 3;
      const weightEnd = x * stride + counts[x];
      for (let weightIndex = x * stride; weightIndex < weightEnd; weightIndex++, input += 3) {
        const weight = weights[weightIndex];
        red += columns[input] * weight;
        green += columns[input + 1] * weight;
        blue += columns[input + 2] * weight;
      }
      target[plane0 + outputRow + x] = red * scale0 - shift0;
      target[plane1 + outputRow + x] = green * scale1 - shift1;
      target[plane2 + outputRow + x] = blue * scale2 - shift2;
    }
  }
}

/**
 * Per input channel (R, G, B): the factor and offset that turn a level into
 * (level / 255 - mean) / std, and the output plane it goes to in the card's order.
 */
function channelNormalization(card: PreprocessCard): { scales: number[]; shifts: number[]; planes: number[] } {
  const planes = card.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scales = planes.map((plane) => 1 / (255 * card.std[plane]));
  const shifts = planes.map((plane) => card.mean[plane] / card.std[plane]);
  return { scales, shifts, planes };
}

function axisTaps(inputSize: number, outputSize: number): AxisTaps {
  const key = `${inputSize}:${outputSize}`;
  const cached = tapsCache.get(key);
  if (cached) return cached;

  const scale = inputSize / outputSize;
  // The filter's half-width in input pixels: 1 when growing, the scale when shrinking.
  const support = Math.max(scale, 1);
  const stride = Math.ceil(support) * 2 + 1;
  const taps: AxisTaps = { starts: new Int32Array(outputSize), counts: new Int32Array(outputSize), weights: new Float32Array(outputSize * stride), stride, maxCount: 0 };

  for (let output = 0; output < outputSize; output++) {
    const centre = (output + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support + 0.5));
    const end = Math.min(inputSize, Math.floor(centre + support + 0.5));
    const weights = Array.from({ length: end - first }, (_, tap) => Math.max(0, 1 - Math.abs(first + tap + 0.5 - centre) / support));
    const sum = weights.reduce((total, weight) => total + weight, 0);

    taps.starts[output] = first;
    taps.counts[output] = weights.length;
    taps.maxCount = Math.max(taps.maxCount, weights.length);
    weights.forEach((weight, tap) => (taps.weights[output * stride + tap] = weight / sum));
  }

  // Person crops come in a few hundred sizes per dataset, so the cache rarely fills.
  if (tapsCache.size >= maxCachedAxes) tapsCache.clear();
  tapsCache.set(key, taps);
  return taps;
}
