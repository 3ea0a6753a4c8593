/** Scales, ticks and point thinning for the SVG line plots; pure so that tests can check them without a browser. */

export interface PlotPoint {
  x: number;
  y: number;
}

export type Scale = (value: number) => number;

/** Maps `domain` linearly onto `range`; a domain of zero width maps to the middle of the range. */
export function linearScale([domainStart, domainEnd]: [number, number], [rangeStart, rangeEnd]: [number, number]): Scale {
  const width = domainEnd - domainStart;
  if (width === 0) return () => (rangeStart + rangeEnd) / 2;
  return (value) => rangeStart + ((value - domainStart) / width) * (rangeEnd - rangeStart);
}

/**
 * Returns round tick values, 1, 2 or 5 times a power of ten apart, that cover
 * [min, max] with about `count` intervals. The first tick is at or below min
 * and the last at or above max, so the ticks can serve as the axis domain.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    return niceTicks(min - pad, max + pad, count);
  }

  const step = niceStep((max - min) / Math.max(1, count));
  const first = Math.floor(min / step) * step;
  const last = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let index = 0; first + index * step <= last + step / 2; index += 1) {
    // Rounding to the step's precision keeps 0.1 + 0.2 from showing as 0.30000000000000004.
    ticks.push(Number((first + index * step).toPrecision(12)));
  }
  return ticks;
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  if (fraction <= 1) return power;
  if (fraction <= 2) return 2 * power;
  if (fraction <= 5) return 5 * power;
  return 10 * power;
}

/**
 * Reduces a series to at most `maxPoints` points, each the mean of a run of
 * neighbouring points, so that a curve over many thousand steps stays a
 * light SVG path and noise averages out instead of being dropped at random.
 */
export function thinPoints(points: PlotPoint[], maxPoints: number): PlotPoint[] {
  if (points.length <= maxPoints) return points;
  const bucketSize = points.length / maxPoints;
  const thinned: PlotPoint[] = [];

  for (let bucket = 0; bucket < maxPoints; bucket += 1) {
    const start = Math.floor(bucket * bucketSize);
    const end = Math.floor((bucket + 1) * bucketSize);
    let sumX = 0;
    let sumY = 0;
    for (let index = start; index < end; index += 1) {
      sumX += points[index].x;
      sumY += points[index].y;
    }
    thinned.push({ x: sumX / (end - start), y: sumY / (end - start) });
  }
  return thinned;
}

/** Writes points as the `points` attribute of an SVG polyline, rounded to 0.1 pixel. */
export function polylinePoints(points: PlotPoint[], xOf: Scale, yOf: Scale): string {
  return points.map((point) => `${xOf(point.x).toFixed(1)},${yOf(point.y).toFixed(1)}`).join(' ');
}

/** Smallest and largest value of the given points, or null for none. */
export function extentOf(points: PlotPoint[], axis: 'x' | 'y'): [number, number] | null {
  if (points.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const point of points) {
    min = Math.min(min, point[axis]);
    max = Math.max(max, point[axis]);
  }
  return [min, max];
}
