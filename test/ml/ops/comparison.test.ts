import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { cast, equal, less, mul, where } from '../../../main/ml/ops';
import { broadcastReference, checkGradient, expectGradientsClose, expectValuesClose, runForward } from './gradient-check';

describe('comparison ops', () => {
  it('Equal and Less broadcast', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [2, 5];
    const result = await runForward(
      [
        { shape: [3, 2], values: a },
        { shape: [2], values: b },
      ],
      ([x, y]) => [equal(x, y), less(x, y)],
    );
    expect(result.outputs[0].data).toEqual(broadcastReference({ data: a, shape: [3, 2] }, { data: b, shape: [2] }, (x, y) => Number(x === y)));
    expect(result.outputs[1].data).toEqual(broadcastReference({ data: a, shape: [3, 2] }, { data: b, shape: [2] }, (x, y) => Number(x < y)));
  });

  it('Where routes gradients', async () => {
    const condition = [1, 0, 0, 1, 1, 0];
    const result = await checkGradient(
      [{ shape: [2, 3], dtype: 'bool', values: condition }, { shape: [2, 3] }, { shape: [3] }],
      ([c, x, y]) => where(c, x, y),
    );
    const [, x, y] = result.inputs;
    expectValuesClose(result.outputs[0].data, condition.map((c, i) => (c ? x[i] : y[i % 3])), 0);
    expectGradientsClose(result);
    expect(result.analytic[0][1]).toBe(0);
  });

  it('Where throws when condition is not bool', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [2]);
    expect(() => where(x, x, x)).toThrow(ShapeError);
  });

  it('Cast gradient converts back', async () => {
    const result = await checkGradient([{ shape: [2, 2] }], ([x]) => mul(cast(cast(x, 'float32'), 'float64'), 3), { step: 1e-3 });
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((x) => Math.fround(x) * 3), 1e-12);
    expectGradientsClose(result, { atol: 1e-4, rtol: 1e-4 });
  });

  it('Cast to int has no gradient', async () => {
    const result = await runForward([{ shape: [3], values: [1.7, -2.2, 3] }], ([x]) => cast(x, 'int64'));
    expect(result.outputs[0].data).toEqual([1, -2, 3]);
  });
});
