import { expect } from 'vitest';
import { isStaticShape } from '../../../main/ml/graph/dims';
import { toTypedArray, type AnyTypedArray, type DataType } from '../../../main/ml/graph/dtype';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { serializeGraph } from '../../../main/ml/graph/serialize';
import type { Tensor } from '../../../main/ml/graph/tensor';
import { gradients, mul, reduceSum } from '../../../main/ml/ops';
import { SeededRandom } from '../../../main/ml/training/random';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';

/** One graph input of a check: random values in `range` unless `values` are given. */
export interface CheckInput {
  shape: number[];
  dtype?: DataType;
  values?: number[];
  range?: [number, number];
  /** Whether the gradient with respect to this input is checked; float inputs default to true. */
  differentiable?: boolean;
}

export interface ForwardResult {
  inputs: number[][];
  outputs: { data: number[]; dims: number[] }[];
}

export interface GradientCheckResult extends ForwardResult {
  analytic: number[][];
  numeric: number[][];
}

export interface GradientCheckOptions {
  /** Central-difference step; 1e-6 suits float64. */
  step?: number;
  seed?: number;
}

function createInputs(graph: GraphBuilder, specs: readonly CheckInput[], seed: number): { tensors: Tensor[]; values: number[][] } {
  const random = new SeededRandom(seed);
  const tensors = specs.map((spec, i) => graph.input(`x${i}`, spec.dtype ?? 'float64', spec.shape));
  const values = specs.map((spec) => {
    if (spec.values) return spec.values;
    const [low, high] = spec.range ?? [-1, 1];
    const size = spec.shape.reduce((product, dim) => product * dim, 1);
    return Array.from({ length: size }, () => low + (high - low) * random.nextFloat());
  });
  return { tensors, values };
}

function feedsFor(specs: readonly CheckInput[], tensors: readonly Tensor[], values: readonly number[][]) {
  return Object.fromEntries(
    tensors.map((tensor, i) => [tensor.name, createTensor(tensor.dtype, toTypedArray(tensor.dtype, values[i]) as AnyTypedArray, specs[i].shape)]),
  );
}

function toNumbers(data: unknown): number[] {
  return Array.from(data as ArrayLike<number | bigint | boolean>, (value) => Number(value));
}

/** Builds `build(inputs)` in a float64 graph, runs it, and returns every output. */
export async function runForward(specs: readonly CheckInput[], build: (inputs: Tensor[]) => Tensor | Tensor[], seed = 1): Promise<ForwardResult> {
  const graph = new GraphBuilder('forward');
  const { tensors, values } = createInputs(graph, specs, seed);
  const results = [build(tensors)].flat();
  results.forEach((result, i) => graph.output(result, `y${i}`));

  const session = await StepSession.create(serializeGraph(graph, { parameters: 'inputs' }));
  const outputs = await session.run(feedsFor(specs, tensors, values));
  await session.release();
  return { inputs: values, outputs: results.map((_, i) => ({ data: toNumbers(outputs[`y${i}`].data), dims: [...outputs[`y${i}`].dims] })) };
}

/**
 * Compares the autodiff gradient of loss = sum(w * build(inputs)), with fixed
 * random weights w, against central finite differences of the same graph.
 */
export async function checkGradient(specs: readonly CheckInput[], build: (inputs: Tensor[]) => Tensor, options: GradientCheckOptions = {}): Promise<GradientCheckResult> {
  const step = options.step ?? 1e-6;
  const graph = new GraphBuilder('gradient_check');
  const { tensors, values } = createInputs(graph, specs, options.seed ?? 1);
  const output = build(tensors);
  if (!isStaticShape(output.shape)) throw new Error(`check output ${output.name} needs a static shape`);

  const weightRandom = new SeededRandom(99);
  const size = output.shape.reduce((product, dim) => product * dim, 1);
  const weights = graph.constant(Array.from({ length: size }, () => 0.5 + weightRandom.nextFloat()), output.dtype, output.shape);
  const loss = reduceSum(mul(output, weights));

  // Parameters created by layers inside `build` are fed and checked like inputs.
  const allSpecs: CheckInput[] = [...specs, ...graph.parameters.map((parameter) => ({ shape: parameter.tensor.shape as number[] }))];
  tensors.push(...graph.parameters.map((parameter) => parameter.tensor));
  values.push(...graph.parameters.map((parameter) => Array.from(parameter.initialValue)));

  const checked = allSpecs.map((spec, i) => (spec.differentiable ?? (spec.dtype ?? 'float64').startsWith('float')) ? i : -1).filter((i) => i >= 0);
  const grads = gradients(loss, checked.map((i) => tensors[i]));
  graph.output(output, 'y');
  graph.output(loss, 'loss');
  grads.forEach((gradient, k) => graph.output(gradient, `grad${k}`));

  const session = await StepSession.create(serializeGraph(graph, { parameters: 'inputs' }));
  const run = async (current: number[][]) => session.run(feedsFor(allSpecs, tensors, current));
  const base = await run(values);

  const numeric: number[][] = [];
  for (const i of checked) {
    const estimates: number[] = [];
    for (let j = 0; j < values[i].length; j++) {
      const shifted = values.map((list) => [...list]);
      shifted[i][j] = values[i][j] + step;
      const plus = Number((await run(shifted)).loss.data[0]);
      shifted[i][j] = values[i][j] - step;
      const minus = Number((await run(shifted)).loss.data[0]);
      estimates.push((plus - minus) / (2 * step));
    }
    numeric.push(estimates);
  }
  await session.release();

  return {
    inputs: values.slice(0, specs.length),
    outputs: [{ data: toNumbers(base.y.data), dims: [...base.y.dims] }],
    analytic: checked.map((_, k) => toNumbers(base[`grad${k}`].data)),
    numeric,
  };
}

/** Asserts every analytic gradient element is within atol + rtol |numeric| of the finite difference. */
export function expectGradientsClose(result: GradientCheckResult, tolerance: { atol?: number; rtol?: number } = {}): void {
  const atol = tolerance.atol ?? 1e-6;
  const rtol = tolerance.rtol ?? 1e-5;
  expect(result.analytic.length).toBe(result.numeric.length);
  result.analytic.forEach((analytic, k) => {
    expect(analytic.length).toBe(result.numeric[k].length);
    const worst = Math.max(...analytic.map((value, j) => Math.abs(value - result.numeric[k][j]) - rtol * Math.abs(result.numeric[k][j])));
    expect(worst, `gradient ${k}: analytic [${analytic.slice(0, 6).join(', ')}] vs numeric [${result.numeric[k].slice(0, 6).join(', ')}]`).toBeLessThanOrEqual(atol);
    expect(analytic.some((value) => value !== 0) || result.numeric[k].every((value) => Math.abs(value) < atol)).toBe(true);
  });
}

/** Asserts two flat arrays agree elementwise within `tolerance`. */
export function expectValuesClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(0, ...actual.map((value, i) => Math.abs(value - expected[i])));
  expect(worst, `actual [${actual.slice(0, 6).join(', ')}] vs expected [${expected.slice(0, 6).join(', ')}]`).toBeLessThanOrEqual(tolerance);
}

/** Elementwise reference with numpy broadcasting, for forward checks. */
export function broadcastReference(a: { data: number[]; shape: number[] }, b: { data: number[]; shape: number[] }, fn: (x: number, y: number) => number): number[] {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (shape: number[]) => [...new Array(rank - shape.length).fill(1), ...shape];
  const shapeA = pad(a.shape);
  const shapeB = pad(b.shape);
  const shape = shapeA.map((dim, i) => Math.max(dim, shapeB[i]));
  const size = shape.reduce((product, dim) => product * dim, 1);
  const offset = (index: number[], s: number[]) => index.reduce((flat, value, axis) => flat * s[axis] + (s[axis] === 1 ? 0 : value), 0);

  const result: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = rest % shape[axis];
      rest = Math.floor(rest / shape[axis]);
    }
    result.push(fn(a.data[offset(index, shapeA)], b.data[offset(index, shapeB)]));
  }
  return result;
}
