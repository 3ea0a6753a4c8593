import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError, ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { add, dropout, matMul, mul, reduceMean, sub } from '../../../main/ml/ops';
import { exportInferenceModel } from '../../../main/ml/training/export';
import { linear, type LayerContext } from '../../../main/ml/training/layers';
import type { OptimizerConfig } from '../../../main/ml/training/optimizers';
import { SeededRandom } from '../../../main/ml/training/random';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from '../../../main/ml/training/safetensors';
import { warmupCosineSchedule, warmupStepSchedule } from '../../../main/ml/training/schedules';
import { buildTrainingStep } from '../../../main/ml/training/step-graph';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';
import { Trainer } from '../../../main/ml/training/trainer';

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'trainer-test-'));
afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

const batch = 4;
const inputs = 3;
const outputs = 2;

/** Linear regression y = x W + b with mean squared error, in float64 so references can match closely. */
function regressionStep(optimizer: OptimizerConfig, maxGradientNorm?: number) {
  const graph = new GraphBuilder('regression');
  const x = graph.input('x', 'float64', [batch, inputs]);
  const target = graph.input('target', 'float64', [batch, outputs]);
  const weight = graph.parameter('weight', new Float64Array([0.1, -0.2, 0.3, 0.05, -0.1, 0.2]), [inputs, outputs]);
  const bias = graph.parameter('bias', new Float64Array([0.01, -0.02]), [outputs]);
  const error = sub(add(matMul(x, weight), bias), target);
  const loss = reduceMean(mul(error, error));
  return buildTrainingStep({ graph, loss, optimizer, maxGradientNorm });
}

const xValues = [1, 2, -1, 0.5, -0.3, 0.8, 2, 1, 0, -1, 0.2, 0.4];
const targetValues = [1, 0, -1, 2, 0.5, 0.5, 3, -2];

function regressionBatch() {
  return { x: createTensor('float64', new Float64Array(xValues), [batch, inputs]), target: createTensor('float64', new Float64Array(targetValues), [batch, outputs]) };
}

/** Parameters and gradients of the regression above, computed directly. */
function regressionGradients(weight: number[], bias: number[]): { weight: number[]; bias: number[] } {
  const gradientWeight = new Array(inputs * outputs).fill(0);
  const gradientBias = new Array(outputs).fill(0);
  for (let n = 0; n < batch; n++) {
    for (let j = 0; j < outputs; j++) {
      let y = bias[j];
      for (let i = 0; i < inputs; i++) y += xValues[n * inputs + i] * weight[i * outputs + j];
      const d = (2 * (y - targetValues[n * outputs + j])) / (batch * outputs);
      gradientBias[j] += d;
      for (let i = 0; i < inputs; i++) gradientWeight[i * outputs + j] += d * xValues[n * inputs + i];
    }
  }
  return { weight: gradientWeight, bias: gradientBias };
}

function referenceAdamW(steps: number, learningRate: number, weightDecay: number, maxNorm?: number) {
  const parameters = { weight: [0.1, -0.2, 0.3, 0.05, -0.1, 0.2], bias: [0.01, -0.02] };
  const m = { weight: new Array(6).fill(0), bias: [0, 0] };
  const v = { weight: new Array(6).fill(0), bias: [0, 0] };
  for (let t = 1; t <= steps; t++) {
    const g = regressionGradients(parameters.weight, parameters.bias);
    const norm = Math.sqrt([...g.weight, ...g.bias].reduce((sum, value) => sum + value * value, 0));
    const scale = maxNorm === undefined ? 1 : Math.min(1, maxNorm / (norm + 1e-6));
    for (const key of ['weight', 'bias'] as const) {
      parameters[key] = parameters[key].map((p, k) => {
        const gradient = g[key][k] * scale;
        m[key][k] = 0.9 * m[key][k] + 0.1 * gradient;
        v[key][k] = 0.999 * v[key][k] + 0.001 * gradient * gradient;
        const mHat = m[key][k] / (1 - 0.9 ** t);
        const vHat = v[key][k] / (1 - 0.999 ** t);
        const decay = key === 'weight' ? weightDecay : 0;
        return p - learningRate * (mHat / (Math.sqrt(vHat) + 1e-8) + decay * p);
      });
    }
  }
  return parameters;
}

describe('optimizers', () => {
  it('AdamW matches reference', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1 }));
    for (let step = 0; step < 5; step++) await trainer.runStep(regressionBatch(), 0.05);
    const expected = referenceAdamW(5, 0.05, 0.1);
    const values = trainer.stateValues('parameter');
    Array.from(values.get('weight')!).forEach((value, k) => expect(value).toBeCloseTo(expected.weight[k], 10));
    Array.from(values.get('bias')!).forEach((value, k) => expect(value).toBeCloseTo(expected.bias[k], 10));
    expect(trainer.stepCount).toBe(5);
    await trainer.release();
  });

  it('AdamW in row blocks matches reference', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1, chunkElements: 2 }));
    for (let step = 0; step < 5; step++) await trainer.runStep(regressionBatch(), 0.05);
    const expected = referenceAdamW(5, 0.05, 0.1);
    const values = trainer.stateValues();
    Array.from(values.get('weight')!).forEach((value, k) => expect(value).toBeCloseTo(expected.weight[k], 10));
    // The [3, 2] weight is updated in three one-row blocks, each with its own moments.
    expect([...values.keys()].filter((name) => name.startsWith('adamw/m/weight/'))).toEqual(['adamw/m/weight/0', 'adamw/m/weight/1', 'adamw/m/weight/2']);
    await trainer.release();
  });

  it('AdamW with global norm clipping', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0 }, 0.05));
    const metrics = await trainer.runStep(regressionBatch(), 0.01);
    for (let step = 1; step < 3; step++) await trainer.runStep(regressionBatch(), 0.01);
    const initial = regressionGradients([0.1, -0.2, 0.3, 0.05, -0.1, 0.2], [0.01, -0.02]);
    const norm = Math.sqrt([...initial.weight, ...initial.bias].reduce((sum, value) => sum + value * value, 0));
    expect(metrics.gradient_norm).toBeCloseTo(norm, 12);
    expect(norm).toBeGreaterThan(0.05);

    const expected = referenceAdamW(3, 0.01, 0, 0.05);
    Array.from(trainer.stateValues('parameter').get('weight')!).forEach((value, k) => expect(value).toBeCloseTo(expected.weight[k], 10));
    await trainer.release();
  });

  it('SGD momentum matches reference', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'sgd', momentum: 0.9, weightDecay: 0.01 }));
    let weight = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2];
    let bias = [0.01, -0.02];
    let velocityWeight = new Array(6).fill(0);
    let velocityBias = [0, 0];
    for (let step = 0; step < 4; step++) {
      const metrics = await trainer.runStep(regressionBatch(), 0.1);
      expect(metrics.loss).toBeGreaterThan(0);
      const g = regressionGradients(weight, bias);
      velocityWeight = velocityWeight.map((v, k) => 0.9 * v + g.weight[k] + 0.01 * weight[k]);
      velocityBias = velocityBias.map((v, k) => 0.9 * v + g.bias[k]);
      weight = weight.map((w, k) => w - 0.1 * velocityWeight[k]);
      bias = bias.map((b, k) => b - 0.1 * velocityBias[k]);
    }
    Array.from(trainer.stateValues('parameter').get('weight')!).forEach((value, k) => expect(value).toBeCloseTo(weight[k], 10));
    Array.from(trainer.stateValues('parameter').get('bias')!).forEach((value, k) => expect(value).toBeCloseTo(bias[k], 10));
    await trainer.release();
  });

  it('training lowers the loss', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'adamw' }));
    const first = await trainer.runStep(regressionBatch(), 0.05);
    let last = first;
    for (let step = 0; step < 60; step++) last = await trainer.runStep(regressionBatch(), 0.05);
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    await trainer.release();
  });

  it('CUDA request falls back to CPU', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'sgd' }), { executionProviders: ['cuda'] });
    // Machines without the CUDA provider libraries run on CPU; others run on CUDA.
    expect(['cuda', 'cpu']).toContain(trainer.executionProvider);
    const metrics = await trainer.runStep(regressionBatch(), 0.1);
    expect(Number.isFinite(metrics.loss)).toBe(true);
    await trainer.release();
  });

  it('spinning setting keeps results', async () => {
    const spinning = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1 }), { allowSpinning: true, intraOpThreads: 2 });
    const blocking = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1 }), { allowSpinning: false, intraOpThreads: 2 });
    for (let step = 0; step < 3; step++) {
      await spinning.runStep(regressionBatch(), 0.05);
      await blocking.runStep(regressionBatch(), 0.05);
    }
    const expected = spinning.stateValues();
    for (const [name, values] of blocking.stateValues()) expect(Array.from(values), name).toEqual(Array.from(expected.get(name)!));
    await spinning.release();
    await blocking.release();
  });

  it('runStep throws when batch input is missing', async () => {
    const trainer = await Trainer.create(regressionStep({ type: 'sgd' }));
    await expect(trainer.runStep({ x: regressionBatch().x }, 0.1)).rejects.toThrow(ValidationError);
    await trainer.release();
  });
});

/** A float32 two-layer model with dropout whose masks come from the trainer's generator. */
function dropoutStep() {
  const graph = new GraphBuilder('dropout_model');
  const context: LayerContext = { graph, random: new SeededRandom(21), dtype: 'float32' };
  const x = graph.input('x', 'float32', [8, 6]);
  const target = graph.input('target', 'float32', [8, 2]);
  const mask = graph.input('mask', 'float32', [8, 5]);
  const hidden = dropout(linear(context, 'first', x, 6, 5), mask, 0.5);
  const error = sub(linear(context, 'second', hidden, 5, 2), target);
  return buildTrainingStep({ graph, loss: reduceMean(mul(error, error)), optimizer: { type: 'adamw', weightDecay: 0.05, chunkElements: 10 }, maxGradientNorm: 1 });
}

function dropoutBatch(trainer: Trainer, data: SeededRandom) {
  const x = Float32Array.from({ length: 48 }, () => data.nextNormal());
  const target = Float32Array.from({ length: 16 }, () => data.nextNormal());
  const mask = trainer.random.keepMask(40, 0.5);
  return { x: createTensor('float32', x, [8, 6]), target: createTensor('float32', target, [8, 2]), mask: createTensor('float32', mask, [8, 5]) };
}

describe('checkpoints', () => {
  it('resume matches uninterrupted run', async () => {
    const schedule = warmupCosineSchedule({ baseLearningRate: 0.01, warmupSteps: 3, totalSteps: 10 });
    const step = dropoutStep();

    const straight = await Trainer.create(step, { seed: 7 });
    const straightData = new SeededRandom(100);
    for (let i = 0; i < 10; i++) await straight.runStep(dropoutBatch(straight, straightData), schedule(i));

    const first = await Trainer.create(step, { seed: 7 });
    const firstData = new SeededRandom(100);
    for (let i = 0; i < 5; i++) await first.runStep(dropoutBatch(first, firstData), schedule(i));
    const path = join(temporaryDirectory, 'resume.safetensors');
    await first.saveCheckpoint(path, { data_random_state: String(firstData.state) });
    await first.release();

    const resumed = await Trainer.create(step, { seed: 999 });
    const metadata = await resumed.loadCheckpoint(path);
    expect(resumed.stepCount).toBe(5);
    const resumedData = new SeededRandom(0);
    resumedData.state = Number(metadata.data_random_state);
    for (let i = resumed.stepCount; i < 10; i++) await resumed.runStep(dropoutBatch(resumed, resumedData), schedule(i));

    const expected = straight.stateValues();
    const actual = resumed.stateValues();
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, values] of expected) expect(Array.from(actual.get(name)!), name).toEqual(Array.from(values));
    expect([...expected.keys()]).toContain('adamw/m/first/weight/0');
    await straight.release();
    await resumed.release();
  });

  it('resume reads moments saved in row blocks', async () => {
    const blocked = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1, chunkElements: 2 }));
    for (let step = 0; step < 3; step++) await blocked.runStep(regressionBatch(), 0.05);
    const path = join(temporaryDirectory, 'blocked-moments.safetensors');
    await blocked.saveCheckpoint(path);
    await blocked.release();

    const whole = await Trainer.create(regressionStep({ type: 'adamw', weightDecay: 0.1 }));
    await whole.loadCheckpoint(path);
    for (let step = 3; step < 5; step++) await whole.runStep(regressionBatch(), 0.05);

    const expected = referenceAdamW(5, 0.05, 0.1);
    const values = whole.stateValues();
    expect(values.has('adamw/m/weight')).toBe(true);
    Array.from(values.get('weight')!).forEach((value, k) => expect(value).toBeCloseTo(expected.weight[k], 10));
    await whole.release();
  });

  it('loadCheckpoint throws when model differs', async () => {
    const path = join(temporaryDirectory, 'other.safetensors');
    const other = await Trainer.create(regressionStep({ type: 'sgd' }));
    await other.saveCheckpoint(path);
    await other.release();
    const trainer = await Trainer.create(dropoutStep());
    await expect(trainer.loadCheckpoint(path)).rejects.toThrow(/has no float32 tensor "first\/weight"/);
    await trainer.release();
  });

  it('safetensors round trip', async () => {
    const tensors = [
      { name: 'a', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      { name: 'b', shape: [1], data: new Float64Array([Math.PI]) },
      { name: 'c', shape: [2], data: new BigInt64Array([5n, -7n]) },
    ];
    const bytes = encodeSafetensors({ tensors, metadata: { step: '3' } });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString());
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.b.data_offsets).toEqual([24, 32]);

    const path = join(temporaryDirectory, 'round.safetensors');
    writeFileSync(path, bytes);
    const decoded = await readSafetensors(path);
    expect(decoded.metadata).toEqual({ step: '3' });
    expect(decoded.tensors.map((tensor) => Array.from(tensor.data as ArrayLike<number | bigint>))).toEqual([[1, 2, 3, 4, 5, 6], [Math.PI], [5n, -7n]]);
  });

  it('safetensors throws when truncated', () => {
    const bytes = encodeSafetensors({ tensors: [{ name: 'a', shape: [4], data: new Float32Array(4) }], metadata: {} });
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(DatasetFormatError);
    expect(() => decodeSafetensors(bytes.subarray(0, 12))).toThrow(/truncated/);
  });
});

describe('export and schedules', () => {
  it('exported model uses trained weights', async () => {
    const trainer = await Trainer.create(dropoutStep(), { seed: 3 });
    const data = new SeededRandom(1);
    for (let i = 0; i < 3; i++) await trainer.runStep(dropoutBatch(trainer, data), 0.01);

    const graph = new GraphBuilder('inference');
    const context: LayerContext = { graph, random: new SeededRandom(21), dtype: 'float32' };
    const features = graph.input('features', 'float32', ['batch', 6]);
    graph.output(linear(context, 'second', linear(context, 'first', features, 6, 5), 5, 2), 'prediction');
    const model = exportInferenceModel(graph, trainer.stateValues());

    const session = await StepSession.create(model);
    const row = new Float32Array([1, 0, 0, 0, 0, 0]);
    const result = await session.run({ features: createTensor('float32', row, [1, 6]) });
    await session.release();

    const values = trainer.stateValues();
    const [w1, b1, w2, b2] = ['first/weight', 'first/bias', 'second/weight', 'second/bias'].map((name) => values.get(name)!);
    const hidden = Array.from({ length: 5 }, (_, j) => w1[j] + b1[j]);
    const expected = [0, 1].map((k) => hidden.reduce((sum, h, j) => sum + h * w2[j * 2 + k], b2[k]));
    Array.from(result.prediction.data as Float32Array).forEach((value, k) => expect(value).toBeCloseTo(expected[k], 5));
    expect(trainer.bytesCopiedPerStep).toBe([...values.values()].reduce((sum, value) => sum + value.byteLength, 0) + 2 * 4);
    await trainer.release();
  });

  it('export throws when a weight is missing', () => {
    const graph = new GraphBuilder('inference');
    const context: LayerContext = { graph, random: new SeededRandom(1), dtype: 'float32' };
    graph.output(linear(context, 'head', graph.input('x', 'float32', [1, 2]), 2, 2));
    expect(() => exportInferenceModel(graph, new Map())).toThrow(/No trained value for head\/weight/);
  });

  it('warm-up cosine schedule', () => {
    const schedule = warmupCosineSchedule({ baseLearningRate: 1, warmupSteps: 10, totalSteps: 110, minLearningRate: 0.1, warmupStartFactor: 0 });
    expect(schedule(0)).toBe(0);
    expect(schedule(5)).toBeCloseTo(0.5, 12);
    expect(schedule(10)).toBeCloseTo(1, 12);
    expect(schedule(60)).toBeCloseTo(0.55, 12);
    expect(schedule(110)).toBeCloseTo(0.1, 12);
  });

  it('warm-up step schedule', () => {
    const schedule = warmupStepSchedule({ baseLearningRate: 0.1, warmupSteps: 4, milestones: [10, 20], gamma: 0.5, warmupStartFactor: 0.5 });
    expect(schedule(0)).toBeCloseTo(0.05, 12);
    expect(schedule(9)).toBeCloseTo(0.1, 12);
    expect(schedule(10)).toBeCloseTo(0.05, 12);
    expect(schedule(25)).toBeCloseTo(0.025, 12);
    expect(() => warmupStepSchedule({ baseLearningRate: 0, warmupSteps: 1, milestones: [] })).toThrow(ValidationError);
  });
});
