import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { gemm, matMul } from '../../../main/ml/ops';
import { checkGradient, expectGradientsClose, expectValuesClose } from './gradient-check';

/** Row-major product of [batch, n, k] and [batch, k, m] with the batch stride 0 for broadcast operands. */
function batchedProduct(a: number[], b: number[], batch: number, n: number, k: number, m: number, broadcastA: boolean, broadcastB: boolean): number[] {
  const result: number[] = [];
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let sum = 0;
        for (let q = 0; q < k; q++) sum += a[(broadcastA ? 0 : p * n * k) + i * k + q] * b[(broadcastB ? 0 : p * k * m) + q * m + j];
        result.push(sum);
      }
    }
  }
  return result;
}

function transposeMatrix(values: number[], rows: number, columns: number): number[] {
  return Array.from({ length: rows * columns }, (_, index) => values[(index % rows) * columns + Math.floor(index / rows)]);
}

describe('MatMul', () => {
  it('MatMul matrices', async () => {
    const result = await checkGradient([{ shape: [3, 4] }, { shape: [4, 2] }], ([a, b]) => matMul(a, b));
    expectValuesClose(result.outputs[0].data, batchedProduct(result.inputs[0], result.inputs[1], 1, 3, 4, 2, false, false));
    expectGradientsClose(result);
  });

  it('MatMul batched by weight', async () => {
    const result = await checkGradient([{ shape: [2, 3, 4] }, { shape: [4, 5] }], ([a, b]) => matMul(a, b));
    expect(result.outputs[0].dims).toEqual([2, 3, 5]);
    expectValuesClose(result.outputs[0].data, batchedProduct(result.inputs[0], result.inputs[1], 2, 3, 4, 5, false, true));
    expectGradientsClose(result);
  });

  it('MatMul broadcast batch', async () => {
    const result = await checkGradient([{ shape: [1, 3, 4] }, { shape: [2, 4, 2] }], ([a, b]) => matMul(a, b));
    expectValuesClose(result.outputs[0].data, batchedProduct(result.inputs[0], result.inputs[1], 2, 3, 4, 2, true, false));
    expectGradientsClose(result);
  });

  it('MatMul throws when inner dims differ', () => {
    const graph = new GraphBuilder();
    const a = graph.input('a', 'float32', ['batch', 3]);
    const b = graph.input('b', 'float32', [4, 2]);
    expect(() => matMul(a, b)).toThrow(ShapeError);
    expect(() => matMul(a, b)).toThrow(/MatMul: inner dims differ/);
  });
});

describe('Gemm', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`Gemm transA=${transA} transB=${transB}`, async () => {
        const shapeA = transA ? [4, 3] : [3, 4];
        const shapeB = transB ? [2, 4] : [4, 2];
        const result = await checkGradient([{ shape: shapeA }, { shape: shapeB }, { shape: [2] }], ([a, b, c]) => gemm(a, b, c, { alpha: 0.7, beta: 1.3, transA, transB }));
        const a = transA ? transposeMatrix(result.inputs[0], 4, 3) : result.inputs[0];
        const b = transB ? transposeMatrix(result.inputs[1], 2, 4) : result.inputs[1];
        const product = batchedProduct(a, b, 1, 3, 4, 2, false, false);
        // ONNX stores alpha and beta as float32 attributes.
        const [alpha, beta] = [Math.fround(0.7), Math.fround(1.3)];
        expectValuesClose(result.outputs[0].data, product.map((value, i) => alpha * value + beta * result.inputs[2][i % 2]));
        expectGradientsClose(result);
      });
    }
  }

  it('Gemm throws when not matrices', () => {
    const graph = new GraphBuilder();
    const a = graph.input('a', 'float32', [2, 3, 4]);
    const b = graph.input('b', 'float32', [4, 2]);
    expect(() => gemm(a, b)).toThrow(ShapeError);
  });
});
