/**
 * Squared Euclidean distance between row `rowA` of `a` and row `rowB` of `b`
 * (both row-major with `dimension` columns), accumulated in float64.
 */
export function squaredEuclidean(a: Float32Array, rowA: number, b: Float32Array, rowB: number, dimension: number): number {
  const startA = rowA * dimension;
  const startB = rowB * dimension;

  // Four partial sums let the CPU overlap the additions of consecutive terms.
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let k = 0;
  for (; k + 3 < dimension; k += 4) {
    const d0 = a[startA + k] - b[startB + k];
    const d1 = a[startA + k + 1] - b[startB + k + 1];
    const d2 = a[startA + k + 2] - b[startB + k + 2];
    const d3 = a[startA + k + 3] - b[startB + k + 3];
    sum0 += d0 * d0;
    sum1 += d1 * d1;
    sum2 += d2 * d2;
    sum3 += d3 * d3;
  }
  for (; k < dimension; k += 1) {
    const d = a[startA + k] - b[startB + k];
    sum0 += d * d;
  }

  return sum0 + sum1 + sum2 + sum3;
}
