import { describe, expect, it } from 'vitest';
import { NotSupportedError, ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { concat, expand, gather, mul, pad, reshape, slice, split, squeeze, transpose, unsqueeze } from '../../../main/ml/ops';
import { checkGradient, expectGradientsClose, expectValuesClose } from './gradient-check';

describe('layout ops', () => {
  it('Transpose with perm', async () => {
    const result = await checkGradient([{ shape: [2, 3, 4] }], ([x]) => transpose(x, [2, 0, 1]));
    expect(result.outputs[0].dims).toEqual([4, 2, 3]);
    const x = result.inputs[0];
    const expected = [0, 1, 2, 3].flatMap((k) => [0, 1].flatMap((i) => [0, 1, 2].map((j) => x[i * 12 + j * 4 + k])));
    expectValuesClose(result.outputs[0].data, expected, 0);
    expectGradientsClose(result);
  });

  it('Reshape infers one dim', async () => {
    const result = await checkGradient([{ shape: [2, 3, 4] }], ([x]) => reshape(x, [0, -1]));
    expect(result.outputs[0].dims).toEqual([2, 12]);
    expectValuesClose(result.outputs[0].data, result.inputs[0], 0);
    expectGradientsClose(result);
  });

  it('Reshape keeps symbolic dims', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', ['batch', 8, 64]);
    expect(reshape(x, [0, -1]).shape).toEqual(['batch', 512]);
    expect(reshape(reshape(x, [-1, 64]), ['batch', 8, 64]).shape).toEqual(['batch', 8, 64]);
    expect(reshape(x, [-1, 64]).shape).toEqual(['batch*8', 64]);
  });

  it('Reshape throws when sizes differ', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [2, 3]);
    expect(() => reshape(x, [4, 2])).toThrow(ShapeError);
    expect(() => reshape(x, [4, -1])).toThrow(/Reshape: cannot reshape/);
  });

  it('Expand broadcasts and sums back', async () => {
    const result = await checkGradient([{ shape: [3, 1] }], ([x]) => expand(x, [2, 3, 4]));
    expect(result.outputs[0].dims).toEqual([2, 3, 4]);
    const x = result.inputs[0];
    expectValuesClose(result.outputs[0].data, Array.from({ length: 24 }, (_, i) => x[Math.floor(i / 4) % 3]), 0);
    expectGradientsClose(result);
  });

  it('Unsqueeze and Squeeze', async () => {
    const result = await checkGradient([{ shape: [3, 2] }], ([x]) => mul(squeeze(unsqueeze(x, [0, 2]), [0]), 2));
    expect(result.outputs[0].dims).toEqual([3, 1, 2]);
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((value) => value * 2), 0);
    expectGradientsClose(result);
  });

  it('Squeeze throws when dim is not 1', () => {
    const graph = new GraphBuilder();
    expect(() => squeeze(graph.input('x', 'float32', [3, 2]), [1])).toThrow(ShapeError);
    expect(() => transpose(graph.input('y', 'float32', [3, 2]), [0, 0])).toThrow(/not a permutation/);
  });
});

describe('concat, split, slice and pad', () => {
  it('Concat along axis 1', async () => {
    const result = await checkGradient([{ shape: [2, 2] }, { shape: [2, 3] }], ([a, b]) => concat([a, b], 1));
    const [a, b] = result.inputs;
    expectValuesClose(result.outputs[0].data, [...a.slice(0, 2), ...b.slice(0, 3), ...a.slice(2), ...b.slice(3)], 0);
    expectGradientsClose(result);
  });

  it('Split with an unused piece', async () => {
    const result = await checkGradient([{ shape: [5, 2] }], ([x]) => split(x, [2, 3], 0)[1]);
    expectValuesClose(result.outputs[0].data, result.inputs[0].slice(4), 0);
    expectGradientsClose(result);
    expect(result.analytic[0].slice(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('Slice with negative bounds', async () => {
    const result = await checkGradient([{ shape: [4, 5] }], ([x]) => slice(x, [1, -4], [3, -1], [0, 1]));
    expect(result.outputs[0].dims).toEqual([2, 3]);
    const x = result.inputs[0];
    expectValuesClose(result.outputs[0].data, [1, 2].flatMap((r) => [1, 2, 3].map((c) => x[r * 5 + c])), 0);
    expectGradientsClose(result);
  });

  it('Pad adds zeros', async () => {
    const result = await checkGradient([{ shape: [2, 2] }], ([x]) => pad(x, [1, 0], [0, 2]));
    expect(result.outputs[0].dims).toEqual([3, 4]);
    const x = result.inputs[0];
    expectValuesClose(result.outputs[0].data, [0, 0, 0, 0, x[0], x[1], 0, 0, x[2], x[3], 0, 0], 0);
    expectGradientsClose(result);
  });

  it('Split and Concat throw on shape errors', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [5, 2]);
    expect(() => split(x, [2, 2], 0)).toThrow(ShapeError);
    expect(() => concat([x, graph.input('y', 'float32', [5, 3])], 0)).toThrow(ShapeError);
    expect(() => slice(graph.input('z', 'float32', ['batch', 2]), [0], [1], [0])).toThrow(NotSupportedError);
  });
});

describe('Gather', () => {
  it('Gather rows with repeats', async () => {
    const indices = [2, 0, 2, 3];
    const result = await checkGradient([{ shape: [4, 3] }, { shape: [4], dtype: 'int64', values: indices }], ([table, index]) => gather(table, index));
    const table = result.inputs[0];
    expectValuesClose(result.outputs[0].data, indices.flatMap((row) => table.slice(row * 3, row * 3 + 3)), 0);
    expectGradientsClose(result);
    // Row 1 is never picked, so it gets no gradient.
    expect(result.analytic[0].slice(3, 6)).toEqual([0, 0, 0]);
  });

  it('Gather with matrix indices', async () => {
    const result = await checkGradient([{ shape: [5, 2] }, { shape: [2, 2], dtype: 'int64', values: [4, 1, 1, 0] }], ([table, index]) => gather(table, index));
    expect(result.outputs[0].dims).toEqual([2, 2, 2]);
    expectGradientsClose(result);
  });

  it('Gather throws when indices are float', () => {
    const graph = new GraphBuilder();
    expect(() => gather(graph.input('t', 'float32', [4, 3]), graph.input('i', 'float32', [2]))).toThrow(ShapeError);
  });
});
