import type { PreprocessCard } from './preprocess';

/**
 * Bilinear (triangle-filter) resampling of 8-bit interleaved RGB into
 * normalised planar float32, as two separable passes run row by row.
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
  /** The same taps as two per output pixel, set when `maxCount` is at most 2 (growing). */
  pairs: TapPairs | null;
}

/**
 * Two taps per output pixel. Where only one input pixel contributes (at an
 * edge), `second` repeats `first` with weight 0, so the loop has no branch.
 */
interface TapPairs {
  first: Int32Array;
  second: Int32Array;
  firstWeights: Float64Array;
  secondWeights: Float64Array;
}

/** Per output plane (in R, G, B input order): start in the target, and the factor and offset of the normalisation. */
interface PlaneLayout {
  width: number;
  red: number;
  green: number;
  blue: number;
  redScale: number;
  greenScale: number;
  blueScale: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

const tapsCache = new Map<string, AxisTaps>();
const maxCachedAxes = 4096;

// One vertically filtered input row, reused between calls. A worker thread runs one resample at a time.
let rowScratch = new Float64Array(0);

/**
 * Resamples `rgb` (inputWidth x inputHeight x 3) to the card's height and
 * width and writes it into `target` at `offset` as three planes in the card's
 * channel order, each value (level / 255 - mean) / std.
 */
export function resampleToNchw(rgb: Uint8Array, inputWidth: number, inputHeight: number, card: PreprocessCard, target: Float32Array, offset: number): void {
  const rowLength = inputWidth * 3;
  if (rowScratch.length < rowLength) rowScratch = new Float64Array(rowLength);
  const rowTaps = axisTaps(inputHeight, card.height);
  const columnTaps = axisTaps(inputWidth, card.width);
  const layout = planeLayout(card, offset);

  // Each output row filters its input rows into one scratch row, which stays
  // in cache for the horizontal pass, instead of a full intermediate image.
  for (let y = 0; y < card.height; y++) {
    filterRows(rgb, rowTaps, y, rowLength, rowScratch);
    const outputRow = y * card.width;
    if (columnTaps.pairs) filterColumnPairs(rowScratch, columnTaps.pairs, layout, target, outputRow);
    else filterColumns(rowScratch, columnTaps, layout, target, outputRow);
  }
}

/** Vertical pass of output row `y`: a weighted sum of input rows, still interleaved RGB at the input width. */
function filterRows(rgb: Uint8Array, taps: AxisTaps, y: number, rowLength: number, row: Float64Array): void {
  const { starts, counts, weights, stride } = taps;
  const firstRow = starts[y] * rowLength;

  // Growing, the common case for person crops, needs two taps and gets a fused loop.
  if (counts[y] === 2) {
    const upper = weights[y * stride];
    const lower = weights[y * stride + 1];
    const secondRow = firstRow + rowLength;
    for (let index = 0; index < rowLength; index++) row[index] = rgb[firstRow + index] * upper + rgb[secondRow + index] * lower;
    return;
  }

  const weight = weights[y * stride];
  for (let index = 0; index < rowLength; index++) row[index] = rgb[firstRow + index] * weight;
  for (let tap = 1; tap < counts[y]; tap++) {
    const tapWeight = weights[y * stride + tap];
    const tapRow = firstRow + tap * rowLength;
    for (let index = 0; index < rowLength; index++) row[index] += rgb[tapRow + index] * tapWeight;
  }
}

/** Horizontal pass of one row when every output pixel has two taps, writing the three normalised planes. */
function filterColumnPairs(row: Float64Array, pairs: TapPairs, layout: PlaneLayout, target: Float32Array, outputRow: number): void {
  const { first, second, firstWeights, secondWeights } = pairs;
  const { redScale, greenScale, blueScale, redShift, greenShift, blueShift } = layout;
  const red = layout.red + outputRow;
  const green = layout.green + outputRow;
  const blue = layout.blue + outputRow;

  for (let x = 0; x < layout.width; x++) {
    const left = first[x];
    const right = second[x];
    const leftWeight = firstWeights[x];
    const rightWeight = secondWeights[x];
    target[red + x] = (row[left] * leftWeight + row[right] * rightWeight) * redScale - redShift;
    target[green + x] = (row[left + 1] * leftWeight + row[right + 1] * rightWeight) * greenScale - greenShift;
    target[blue + x] = (row[left + 2] * leftWeight + row[right + 2] * rightWeight) * blueScale - blueShift;
  }
}

/** Horizontal pass of one row with any number of taps. All three channels go in one sweep over the interleaved row. */
function filterColumns(row: Float64Array, taps: AxisTaps, layout: PlaneLayout, target: Float32Array, outputRow: number): void {
  const { starts, counts, weights, stride } = taps;
  const { redScale, greenScale, blueScale, redShift, greenShift, blueShift } = layout;

  for (let x = 0; x < layout.width; x++) {
    let red = 0;
    let green = 0;
    let blue = 0;
    let input = starts[x] * 3;
    const weightEnd = x * stride + counts[x];
    for (let weightIndex = x * stride; weightIndex < weightEnd; weightIndex++, input += 3) {
      const weight = weights[weightIndex];
      red += row[input] * weight;
      green += row[input + 1] * weight;
      blue += row[input + 2] * weight;
    }
    target[layout.red + outputRow + x] = red * redScale - redShift;
    target[layout.green + outputRow + x] = green * greenScale - greenShift;
    target[layout.blue + outputRow + x] = blue * blueScale - blueShift;
  }
}

/**
 * Places the planes of the card's channel order at `offset` and turns each
 * input channel's (level / 255 - mean) / std into a factor and an offset.
 */
function planeLayout(card: PreprocessCard, offset: number): PlaneLayout {
  const planeSize = card.width * card.height;
  const [redPlane, greenPlane, bluePlane] = card.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = (plane: number) => 1 / (255 * card.std[plane]);
  const shift = (plane: number) => card.mean[plane] / card.std[plane];
  return {
    width: card.width,
    red: offset + redPlane * planeSize,
    green: offset + greenPlane * planeSize,
    blue: offset + bluePlane * planeSize,
    redScale: scale(redPlane),
    greenScale: scale(greenPlane),
    blueScale: scale(bluePlane),
    redShift: shift(redPlane),
    greenShift: shift(greenPlane),
    blueShift: shift(bluePlane),
  };
}

function axisTaps(inputSize: number, outputSize: number): AxisTaps {
  const key = `${inputSize}:${outputSize}`;
  const cached = tapsCache.get(key);
  if (cached) return cached;

  const scale = inputSize / outputSize;
  // The filter's half-width in input pixels: 1 when growing, the scale when shrinking.
  const support = Math.max(scale, 1);
  const stride = Math.ceil(support) * 2 + 1;
  const taps: AxisTaps = {
    starts: new Int32Array(outputSize),
    counts: new Int32Array(outputSize),
    weights: new Float32Array(outputSize * stride),
    stride,
    maxCount: 0,
    pairs: null,
  };

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
  if (taps.maxCount <= 2) taps.pairs = tapPairs(taps);

  // Person crops come in a few hundred sizes per dataset, so the cache rarely fills.
  if (tapsCache.size >= maxCachedAxes) tapsCache.clear();
  tapsCache.set(key, taps);
  return taps;
}

/** Rewrites taps of at most two pixels as pairs, with indices into interleaved RGB (pixel x 3). */
function tapPairs(taps: AxisTaps): TapPairs {
  const size = taps.starts.length;
  const pairs: TapPairs = { first: new Int32Array(size), second: new Int32Array(size), firstWeights: new Float64Array(size), secondWeights: new Float64Array(size) };
  for (let output = 0; output < size; output++) {
    const hasSecond = taps.counts[output] === 2;
    pairs.first[output] = taps.starts[output] * 3;
    pairs.second[output] = (taps.starts[output] + (hasSecond ? 1 : 0)) * 3;
    pairs.firstWeights[output] = taps.weights[output * taps.stride];
    pairs.secondWeights[output] = hasSecond ? taps.weights[output * taps.stride + 1] : 0;
  }
  return pairs;
}
