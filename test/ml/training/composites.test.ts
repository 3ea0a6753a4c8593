import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import type { Tensor } from '../../../main/ml/graph/tensor';
import { multiHeadAttention, transformerBlock } from '../../../main/ml/training/layers';
import { batchHardTripletFromDistances, batchHardTripletLoss, crossEntropy, infoNce } from '../../../main/ml/training/losses';
import { SeededRandom } from '../../../main/ml/training/random';
import { checkGradient, expectGradientsClose, expectValuesClose } from '../ops/gradient-check';

function logSoftmaxRow(row: number[]): number[] {
  const max = Math.max(...row);
  const logTotal = Math.log(row.reduce((sum, value) => sum + Math.exp(value - max), 0)) + max;
  return row.map((value) => value - logTotal);
}

function crossEntropyReference(logits: number[], labels: number[], classes: number, smoothing: number): number {
  let total = 0;
  labels.forEach((label, r) => {
    const logProbabilities = logSoftmaxRow(logits.slice(r * classes, (r + 1) * classes));
    logProbabilities.forEach((value, c) => (total -= value * ((c === label ? 1 - smoothing : 0) + smoothing / classes)));
  });
  return total / labels.length;
}

describe('losses', () => {
  it('cross-entropy with label smoothing', async () => {
    const labels = [2, 0, 4];
    const result = await checkGradient([{ shape: [3, 5], range: [-2, 2] }, { shape: [3], dtype: 'int64', values: labels }], ([logits, y]) => crossEntropy(logits, y, 0.1));
    expectValuesClose(result.outputs[0].data, [crossEntropyReference(result.inputs[0], labels, 5, 0.1)], 1e-12);
    expectGradientsClose(result);
  });

  it('cross-entropy throws when labels mismatch', () => {
    const graph = new GraphBuilder();
    const logits = graph.input('logits', 'float32', [4, 10]);
    expect(() => crossEntropy(logits, graph.input('labels', 'int64', [3]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, graph.input('float_labels', 'float32', [4]))).toThrow(/must be int64/);
  });

  it('batch-hard triplet picks hardest pairs', async () => {
    const labels = [0, 0, 1, 1, 2, 2];
    const n = labels.length;
    const random = new SeededRandom(5);
    // Symmetric distances with a zero diagonal, all distinct so each max is unique.
    const distances = new Array(n * n).fill(0);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) distances[i * n + j] = distances[j * n + i] = 0.2 + random.nextFloat();

    const result = await checkGradient([{ shape: [n, n], values: distances }, { shape: [n], dtype: 'int64', values: labels }], ([d, y]) => batchHardTripletFromDistances(d, y, 0.3));
    let expectedLoss = 0;
    const expectedGradient = new Array(n * n).fill(0);
    for (let i = 0; i < n; i++) {
      const positives = labels.map((label, j) => (label === labels[i] ? j : -1)).filter((j) => j >= 0);
      const negatives = labels.map((label, j) => (label !== labels[i] ? j : -1)).filter((j) => j >= 0);
      const hardestPositive = positives.reduce((best, j) => (distances[i * n + j] > distances[i * n + best] ? j : best));
      const hardestNegative = negatives.reduce((best, j) => (distances[i * n + j] < distances[i * n + best] ? j : best));
      const value = distances[i * n + hardestPositive] - distances[i * n + hardestNegative] + 0.3;
      if (value > 0) {
        expectedLoss += value / n;
        expectedGradient[i * n + hardestPositive] += 1 / n;
        expectedGradient[i * n + hardestNegative] -= 1 / n;
      }
    }
    expect(expectedGradient.some((value) => value !== 0)).toBe(true);
    expectValuesClose(result.outputs[0].data, [expectedLoss], 1e-12);
    // The loss weights are folded into the check, so compare the pattern of non-zero entries and signs.
    const analytic = result.analytic[0];
    analytic.forEach((value, k) => expect(Math.sign(value), `entry ${k}`).toBe(Math.sign(expectedGradient[k])));
    expectGradientsClose(result);
  });

  it('batch-hard triplet on features', async () => {
    const result = await checkGradient([{ shape: [6, 4] }, { shape: [6], dtype: 'int64', values: [0, 0, 1, 1, 2, 2] }], ([f, y]) => batchHardTripletLoss(f, y, 0.3));
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });

  it('InfoNCE both directions', async () => {
    const temperature = 0.5;
    const build = (direction: 'aToB' | 'bToA') => ([a, b]: Tensor[]) => infoNce(a, b, temperature)[direction];
    for (const direction of ['aToB', 'bToA'] as const) {
      const result = await checkGradient([{ shape: [4, 3] }, { shape: [4, 3] }], build(direction));
      const [a, b] = result.inputs;
      const normalize = (values: number[], r: number) => {
        const row = values.slice(r * 3, r * 3 + 3);
        const norm = Math.sqrt(row.reduce((sum, value) => sum + value * value, 0));
        return row.map((value) => value / norm);
      };
      const similarity = (i: number, j: number) => normalize(a, i).reduce((sum, value, k) => sum + value * normalize(b, j)[k], 0) / temperature;
      const logits = [0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].map((j) => (direction === 'aToB' ? similarity(i, j) : similarity(j, i))));
      expectValuesClose(result.outputs[0].data, [crossEntropyReference(logits, [0, 1, 2, 3], 4, 0)], 1e-9);
      expectGradientsClose(result);
    }
  });
});

describe('attention', () => {
  it('multi-head attention gradient', async () => {
    const graphRandom = new SeededRandom(3);
    const result = await checkGradient([{ shape: [2, 3, 4] }], ([x]) =>
      multiHeadAttention({ graph: x.graph, random: graphRandom, dtype: 'float64' }, 'attention', x, { width: 4, heads: 2 }),
    );
    expect(result.outputs[0].dims).toEqual([2, 3, 4]);
    expectGradientsClose(result);
  });

  it('multi-head attention matches reference', async () => {
    // One head of width 2, recomputed directly from the same initial weights.
    const seed = 11;
    const graphRandom = new SeededRandom(seed);
    const result = await checkGradient([{ shape: [1, 2, 2] }], ([x]) =>
      multiHeadAttention({ graph: x.graph, random: graphRandom, dtype: 'float64' }, 'attention', x, { width: 2, heads: 1 }),
    );
    const random = new SeededRandom(seed);
    const bound = 1 / Math.sqrt(2);
    const draw = (count: number) => Array.from({ length: count }, () => (2 * random.nextFloat() - 1) * bound);
    const [wq, bq, wk, bk, wv, bv, wo, bo] = [draw(4), draw(2), draw(4), draw(2), draw(4), draw(2), draw(4), draw(2)];
    const project = (row: number[], w: number[], b: number[]) => [0, 1].map((j) => row[0] * w[j] + row[1] * w[2 + j] + b[j]);
    const x = [result.inputs[0].slice(0, 2), result.inputs[0].slice(2, 4)];
    const q = x.map((row) => project(row, wq, bq));
    const k = x.map((row) => project(row, wk, bk));
    const v = x.map((row) => project(row, wv, bv));
    const expected = q.flatMap((query) => {
      const scores = k.map((key) => (query[0] * key[0] + query[1] * key[1]) / Math.sqrt(2));
      const weights = logSoftmaxRow(scores).map(Math.exp);
      const attended = [0, 1].map((j) => weights[0] * v[0][j] + weights[1] * v[1][j]);
      return project(attended, wo, bo);
    });
    expectValuesClose(result.outputs[0].data, expected, 1e-9);
  });

  it('transformer block gradient', async () => {
    const graphRandom = new SeededRandom(4);
    const result = await checkGradient([{ shape: [2, 2, 4] }], ([x]) =>
      transformerBlock({ graph: x.graph, random: graphRandom, dtype: 'float64' }, 'block', x, { width: 4, heads: 2, mlpWidth: 8, activation: 'quick_gelu' }),
    );
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });
});
