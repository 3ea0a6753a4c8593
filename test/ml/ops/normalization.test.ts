import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { batchNormalizationInference, batchNormalizationTraining, layerNormalization } from '../../../main/ml/ops';
import { checkGradient, expectGradientsClose, expectValuesClose, runForward } from './gradient-check';

function normalize(values: number[], epsilon: number): number[] {
  const mean = values.reduce((a, b) => a + b) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return values.map((value) => (value - mean) / Math.sqrt(variance + epsilon));
}

describe('LayerNormalization', () => {
  it('LayerNormalization last axis', async () => {
    const result = await checkGradient([{ shape: [3, 5], range: [-2, 2] }, { shape: [5], range: [0.5, 1.5] }, { shape: [5] }], ([x, scale, bias]) =>
      layerNormalization(x, scale, bias, { epsilon: 1e-5 }),
    );
    const [x, scale, bias] = result.inputs;
    const expected = [0, 1, 2].flatMap((r) => normalize(x.slice(r * 5, r * 5 + 5), 1e-5).map((value, c) => value * scale[c] + bias[c]));
    expectValuesClose(result.outputs[0].data, expected, 1e-7);
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });

  it('LayerNormalization over two axes', async () => {
    const result = await checkGradient([{ shape: [2, 2, 3] }, { shape: [2, 3], range: [0.5, 1.5] }], ([x, scale]) => layerNormalization(x, scale, undefined, { axis: 1 }));
    const [x, scale] = result.inputs;
    const expected = [0, 1].flatMap((r) => normalize(x.slice(r * 6, r * 6 + 6), 1e-5).map((value, c) => value * scale[c]));
    expectValuesClose(result.outputs[0].data, expected, 1e-7);
    expectGradientsClose(result);
  });

  it('LayerNormalization throws when scale shape differs', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', ['batch', 8]);
    expect(() => layerNormalization(x, graph.input('scale', 'float32', [4]))).toThrow(ShapeError);
  });
});

describe('BatchNormalization', () => {
  it('BatchNormalization training forward', async () => {
    const specs = [{ shape: [4, 3] }, { shape: [3], range: [0.5, 1.5] as [number, number] }, { shape: [3] }, { shape: [3] }, { shape: [3], range: [0.5, 1] as [number, number] }];
    const result = await runForward(specs, ([x, scale, bias, mean, variance]) => {
      const { output, runningMean, runningVariance } = batchNormalizationTraining(x, scale, bias, mean, variance, { momentum: 0.9 });
      return [output, runningMean, runningVariance];
    });
    const [x, scale, bias, mean, variance] = result.inputs;
    const columns = [0, 1, 2].map((c) => [0, 1, 2, 3].map((r) => x[r * 3 + c]));
    const normalized = columns.map((column) => normalize(column, 1e-5));
    expectValuesClose(result.outputs[0].data, [0, 1, 2, 3].flatMap((r) => [0, 1, 2].map((c) => normalized[c][r] * scale[c] + bias[c])), 1e-6);

    const batchMean = columns.map((column) => column.reduce((a, b) => a + b) / 4);
    const batchVariance = columns.map((column, c) => column.reduce((sum, value) => sum + (value - batchMean[c]) ** 2, 0) / 4);
    expectValuesClose(result.outputs[1].data, mean.map((value, c) => 0.9 * value + 0.1 * batchMean[c]), 1e-6);
    expectValuesClose(result.outputs[2].data, variance.map((value, c) => 0.9 * value + 0.1 * batchVariance[c]), 1e-6);
  });

  it('BatchNormalization training gradient', async () => {
    const result = await checkGradient(
      [{ shape: [4, 3, 2] }, { shape: [3], range: [0.5, 1.5] }, { shape: [3] }, { shape: [3], differentiable: false }, { shape: [3], range: [0.5, 1], differentiable: false }],
      ([x, scale, bias, mean, variance]) => batchNormalizationTraining(x, scale, bias, mean, variance).output,
    );
    expectGradientsClose(result, { atol: 1e-6, rtol: 1e-5 });
  });

  it('BatchNormalization inference', async () => {
    const result = await checkGradient(
      [{ shape: [4, 3] }, { shape: [3], range: [0.5, 1.5] }, { shape: [3] }, { shape: [3], differentiable: false }, { shape: [3], range: [0.5, 1], differentiable: false }],
      ([x, scale, bias, mean, variance]) => batchNormalizationInference(x, scale, bias, mean, variance, 1e-5),
    );
    const [x, scale, bias, mean, variance] = result.inputs;
    const expected = x.map((value, i) => ((value - mean[i % 3]) / Math.sqrt(variance[i % 3] + 1e-5)) * scale[i % 3] + bias[i % 3]);
    expectValuesClose(result.outputs[0].data, expected, 1e-7);
    expectGradientsClose(result);
  });

  it('BatchNormalization throws when channels differ', () => {
    const graph = new GraphBuilder();
    const x = graph.input('x', 'float32', [8, 4]);
    const p = graph.input('p', 'float32', [3]);
    expect(() => batchNormalizationInference(x, p, p, p, p)).toThrow(ShapeError);
  });
});
