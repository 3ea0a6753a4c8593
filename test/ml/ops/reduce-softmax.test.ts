import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { logSoftmax, reduceMax, reduceMean, reduceSum, reduceSumSquare, softmax } from '../../../main/ml/ops';
import { checkGradient, expectGradientsClose, expectValuesClose } from './gradient-check';

/** Rows of a [rows, columns] matrix given as a flat array. */
const rowsOf = (values: number[], columns: number) => Array.from({ length: values.length / columns }, (_, r) => values.slice(r * columns, (r + 1) * columns));

describe('reduce ops', () => {
  it('ReduceSum over axis 1', async () => {
    const result = await checkGradient([{ shape: [3, 4] }], ([x]) => reduceSum(x, [1]));
    expect(result.outputs[0].dims).toEqual([3]);
    expectValuesClose(result.outputs[0].data, rowsOf(result.inputs[0], 4).map((row) => row.reduce((a, b) => a + b)));
    expectGradientsClose(result);
  });

  it('ReduceSum all axes', async () => {
    const result = await checkGradient([{ shape: [2, 3, 2] }], ([x]) => reduceSum(x));
    expect(result.outputs[0].dims).toEqual([]);
    expectValuesClose(result.outputs[0].data, [result.inputs[0].reduce((a, b) => a + b)]);
    expectGradientsClose(result);
  });

  it('ReduceSumSquare over axis 0', async () => {
    const result = await checkGradient([{ shape: [3, 2] }], ([x]) => reduceSumSquare(x, [0]));
    const x = result.inputs[0];
    expectValuesClose(result.outputs[0].data, [0, 1].map((c) => x[c] ** 2 + x[2 + c] ** 2 + x[4 + c] ** 2));
    expectGradientsClose(result);
  });

  it('ReduceMean keeps dims', async () => {
    const result = await checkGradient([{ shape: [2, 3, 4] }], ([x]) => reduceMean(x, [0, 2], true));
    expect(result.outputs[0].dims).toEqual([1, 3, 1]);
    const x = result.inputs[0];
    const expected = [0, 1, 2].map((j) => [0, 1].flatMap((i) => [0, 1, 2, 3].map((k) => x[i * 12 + j * 4 + k])).reduce((a, b) => a + b) / 8);
    expectValuesClose(result.outputs[0].data, expected);
    expectGradientsClose(result);
  });

  it('ReduceMax picks the maximum', async () => {
    const result = await checkGradient([{ shape: [3, 5] }], ([x]) => reduceMax(x, [-1]));
    const rows = rowsOf(result.inputs[0], 5);
    expectValuesClose(result.outputs[0].data, rows.map((row) => Math.max(...row)));
    expectGradientsClose(result);
    // Exactly one element per row receives a gradient.
    rows.forEach((_, r) => expect(result.analytic[0].slice(r * 5, r * 5 + 5).filter((value) => value !== 0).length).toBe(1));
  });

  it('ReduceMax splits ties evenly', async () => {
    const result = await checkGradient([{ shape: [1, 4], values: [0.5, 2, 2, -1] }], ([x]) => reduceMax(x, [1]));
    expect(result.analytic[0][1]).toBeCloseTo(result.analytic[0][2], 12);
    expect(result.analytic[0][0]).toBe(0);
  });

  it('reduce throws when axis is out of range', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [2, 3]);
    expect(() => reduceSum(x, [2])).toThrow(ShapeError);
    expect(() => reduceSum(x, [2])).toThrow(/ReduceSum: axis 2 is out of range/);
  });
});

describe('softmax ops', () => {
  const softmaxRow = (row: number[]) => {
    const max = Math.max(...row);
    const exps = row.map((value) => Math.exp(value - max));
    const total = exps.reduce((a, b) => a + b);
    return exps.map((value) => value / total);
  };

  it('Softmax last axis', async () => {
    const result = await checkGradient([{ shape: [3, 4], range: [-3, 3] }], ([x]) => softmax(x));
    expectValuesClose(result.outputs[0].data, rowsOf(result.inputs[0], 4).flatMap(softmaxRow), 1e-12);
    expectGradientsClose(result);
  });

  it('Softmax middle axis', async () => {
    const result = await checkGradient([{ shape: [2, 3, 2] }], ([x]) => softmax(x, 1));
    const x = result.inputs[0];
    const column = (i: number, k: number) => softmaxRow([0, 1, 2].map((j) => x[i * 6 + j * 2 + k]));
    const expected = [0, 1].flatMap((i) => [0, 1, 2].flatMap((j) => [0, 1].map((k) => column(i, k)[j])));
    expectValuesClose(result.outputs[0].data, expected, 1e-12);
    expectGradientsClose(result);
  });

  it('LogSoftmax last axis', async () => {
    const result = await checkGradient([{ shape: [3, 4], range: [-3, 3] }], ([x]) => logSoftmax(x));
    expectValuesClose(result.outputs[0].data, rowsOf(result.inputs[0], 4).flatMap((row) => softmaxRow(row).map(Math.log)), 1e-12);
    expectGradientsClose(result);
  });

  it('Softmax throws when axis is out of range', () => {
    const graph = new GraphBuilder();
    expect(() => softmax(graph.input('x', 'float32', [2, 3]), 3)).toThrow(ShapeError);
  });
});
