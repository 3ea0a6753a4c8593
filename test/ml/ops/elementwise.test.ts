import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import type { Tensor } from '../../../main/ml/graph/tensor';
import { add, div, erf, exp, identity, log, maximum, minimum, mul, neg, pow, reciprocal, relu, sigmoid, sqrt, sub, tanh } from '../../../main/ml/ops';
import { broadcastReference, checkGradient, expectGradientsClose, expectValuesClose } from './gradient-check';

type Binary = (a: Tensor, b: Tensor) => Tensor;

const binaryCases: { name: string; op: Binary; reference: (x: number, y: number) => number; range?: [number, number] }[] = [
  { name: 'Add', op: add, reference: (x, y) => x + y },
  { name: 'Sub', op: sub, reference: (x, y) => x - y },
  { name: 'Mul', op: mul, reference: (x, y) => x * y },
  { name: 'Div', op: div, reference: (x, y) => x / y, range: [0.5, 2] },
  { name: 'Pow', op: pow, reference: (x, y) => x ** y, range: [0.5, 2] },
  { name: 'Max', op: maximum, reference: (x, y) => Math.max(x, y) },
  { name: 'Min', op: minimum, reference: (x, y) => Math.min(x, y) },
];

describe('binary elementwise ops', () => {
  for (const { name, op, reference, range } of binaryCases) {
    it(`${name} same shape`, async () => {
      const result = await checkGradient([{ shape: [2, 3], range }, { shape: [2, 3], range }], ([a, b]) => op(a, b));
      const [a, b] = result.inputs;
      expectValuesClose(result.outputs[0].data, broadcastReference({ data: a, shape: [2, 3] }, { data: b, shape: [2, 3] }, reference));
      expectGradientsClose(result);
    });

    it(`${name} broadcast`, async () => {
      const result = await checkGradient([{ shape: [2, 1, 3], range }, { shape: [4, 1], range }], ([a, b]) => op(a, b));
      expect(result.outputs[0].dims).toEqual([2, 4, 3]);
      const [a, b] = result.inputs;
      expectValuesClose(result.outputs[0].data, broadcastReference({ data: a, shape: [2, 1, 3] }, { data: b, shape: [4, 1] }, reference));
      expectGradientsClose(result);
    });

    it(`${name} throws when shapes clash`, () => {
      const graph = new GraphBuilder();
      const a = graph.input('a', 'float32', [2, 3]);
      const b = graph.input('b', 'float32', [4]);
      expect(() => op(a, b)).toThrow(ShapeError);
      expect(() => op(a, b)).toThrow(/\[2, 3\] and \[4\]/);
    });
  }

  it('binary ops throw when dtypes differ', () => {
    const graph = new GraphBuilder();
    const a = graph.input('a', 'float32', [2]);
    const b = graph.input('b', 'float64', [2]);
    expect(() => add(a, b)).toThrow(/float64 but .* is float32|float32 but/);
  });
});

const unaryCases: { name: string; op: (x: Tensor) => Tensor; reference: (x: number) => number; range?: [number, number]; tolerance?: number; step?: number }[] = [
  { name: 'Neg', op: neg, reference: (x) => -x },
  { name: 'Exp', op: exp, reference: Math.exp },
  { name: 'Log', op: log, reference: Math.log, range: [0.3, 3] },
  { name: 'Sqrt', op: sqrt, reference: Math.sqrt, range: [0.3, 3] },
  { name: 'Reciprocal', op: reciprocal, reference: (x) => 1 / x, range: [0.5, 2] },
  { name: 'Relu', op: relu, reference: (x) => Math.max(0, x) },
  { name: 'Sigmoid', op: sigmoid, reference: (x) => 1 / (1 + Math.exp(-x)) },
  { name: 'Tanh', op: tanh, reference: Math.tanh },
  { name: 'Identity', op: identity, reference: (x) => x },
  // float64 Erf runs through float32 on the CPU provider, hence the looser tolerance.
  { name: 'Erf', op: erf, reference: erfReference, tolerance: 2e-4, step: 1e-3 },
];

describe('unary elementwise ops', () => {
  for (const { name, op, reference, range, tolerance, step } of unaryCases) {
    it(`${name} forward and gradient`, async () => {
      const result = await checkGradient([{ shape: [3, 4], range: range ?? [-2, 2] }], ([x]) => op(x), { step });
      expectValuesClose(result.outputs[0].data, result.inputs[0].map(reference), tolerance ?? 1e-12);
      expectGradientsClose(result, tolerance ? { atol: tolerance, rtol: tolerance } : {});
    });
  }

  it('unary ops throw when input is not float', () => {
    const graph = new GraphBuilder();
    const labels = graph.input('labels', 'int64', [4]);
    expect(() => exp(labels)).toThrow(ShapeError);
  });
});

/** erf by its Maclaurin series, accurate to 1e-15 for |x| <= 2. */
function erfReference(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
