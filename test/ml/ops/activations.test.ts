import { describe, expect, it } from 'vitest';
import { ShapeError, ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { clip, dropout, gelu, quickGelu } from '../../../main/ml/ops';
import { checkGradient, expectGradientsClose, expectValuesClose } from './gradient-check';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('activation ops', () => {
  it('Gelu tanh approximation', async () => {
    const result = await checkGradient([{ shape: [3, 4], range: [-3, 3] }], ([x]) => gelu(x, 'tanh'));
    const expected = result.inputs[0].map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    expectValuesClose(result.outputs[0].data, expected, 1e-12);
    expectGradientsClose(result);
  });

  // Erf has no float64 kernel on the CPU provider and runs in float32 there.
  it('Gelu exact', async () => {
    const result = await checkGradient([{ shape: [3, 4], range: [-3, 3] }], ([x]) => gelu(x), { step: 1e-3 });
    const tanhApproximation = result.inputs[0].map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    // The tanh form is within 1e-3 of the exact GELU on [-3, 3].
    expectValuesClose(result.outputs[0].data, tanhApproximation, 1e-3);
    expectGradientsClose(result, { atol: 2e-4, rtol: 2e-4 });
  });

  it('QuickGelu forward and gradient', async () => {
    const result = await checkGradient([{ shape: [2, 5], range: [-4, 4] }], ([x]) => quickGelu(x));
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((x) => x * sigmoid(1.702 * x)), 1e-12);
    expectGradientsClose(result);
  });

  it('Clip forward and gradient', async () => {
    const result = await checkGradient([{ shape: [4, 5], range: [-2, 2] }], ([x]) => clip(x, -0.5, 0.7));
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((x) => Math.min(0.7, Math.max(-0.5, x))), 0);
    expectGradientsClose(result);
    expect(result.analytic[0].filter((value) => value === 0).length).toBeGreaterThan(0);
  });

  it('Clip with one bound', async () => {
    const result = await checkGradient([{ shape: [6], range: [-2, 2] }], ([x]) => clip(x, undefined, 0.3));
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((x) => Math.min(0.3, x)), 0);
    expectGradientsClose(result);
  });

  it('Dropout scales kept values', async () => {
    const mask = [1, 0, 1, 1, 0, 1];
    const result = await checkGradient([{ shape: [2, 3] }, { shape: [2, 3], values: mask, differentiable: false }], ([x, m]) => dropout(x, m, 0.25));
    expectValuesClose(result.outputs[0].data, result.inputs[0].map((x, i) => (x * mask[i]) / 0.75), 1e-12);
    expectGradientsClose(result);
    expect(result.analytic[0][1]).toBe(0);
  });

  it('Dropout throws when mask is larger', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [2, 3]);
    const mask = graph.input('mask', 'float32', [4, 2, 3]);
    expect(() => dropout(x, mask, 0.1)).toThrow(ShapeError);
    expect(() => dropout(x, graph.input('m', 'float32', [2, 3]), 1)).toThrow(ValidationError);
  });
});
