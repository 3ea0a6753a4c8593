import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { decodeModelProtoJson } from '../../../main/ml/graph/onnx-proto';
import { dropout, mul, reduceMean, sub } from '../../../main/ml/ops';
import { chainTrainingSteps, subStepName } from '../../../main/ml/training/chained-steps';
import { linear, type LayerContext } from '../../../main/ml/training/layers';
import { buildProjectionHeadStep } from '../../../main/ml/training/projection-head';
import { SeededRandom } from '../../../main/ml/training/random';
import { buildTrainingStep, learningRateInput, stepInput } from '../../../main/ml/training/step-graph';
import { createTensor, type OrtTensor } from '../../../main/ml/runtime/step-session';
import { Trainer } from '../../../main/ml/training/trainer';

/** Builds a float32 two-layer model with dropout, AdamW in row blocks and clipping, so every kind of carried state is present. */
function dropoutStep() {
  const graph = new GraphBuilder('chained_model');
  const context: LayerContext = { graph, random: new SeededRandom(31), dtype: 'float32' };
  const x = graph.input('x', 'float32', [8, 6]);
  const target = graph.input('target', 'float32', [8, 2]);
  const mask = graph.input('mask', 'float32', [8, 5]);
  const hidden = dropout(linear(context, 'first', x, 6, 5), mask, 0.5);
  const error = sub(linear(context, 'second', hidden, 5, 2), target);
  return buildTrainingStep({ graph, loss: reduceMean(mul(error, error)), optimizer: { type: 'adamw', weightDecay: 0.05, chunkElements: 10 }, maxGradientNorm: 1 });
}

/** Draws `count` batches in order, each with its own buffers; masks come from the trainer's generator. */
function drawBatches(trainer: Trainer, data: SeededRandom, count: number): Record<string, OrtTensor>[] {
  return Array.from({ length: count }, () => ({
    x: createTensor('float32', Float32Array.from({ length: 48 }, () => data.nextNormal()), [8, 6]),
    target: createTensor('float32', Float32Array.from({ length: 16 }, () => data.nextNormal()), [8, 2]),
    mask: createTensor('float32', trainer.random.keepMask(40, 0.5), [8, 5]),
  }));
}

const learningRates = [0.001, 0.004, 0.01, 0.01, 0.008, 0.005, 0.002];

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'chained-steps-test-'));
afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

function expectSameStates(actual: Trainer, expected: Trainer): void {
  const expectedValues = expected.stateValues();
  const actualValues = actual.stateValues();
  expect([...actualValues.keys()]).toEqual([...expectedValues.keys()]);
  for (const [name, values] of expectedValues) expect(Array.from(actualValues.get(name)!), name).toEqual(Array.from(values));
}

describe('chained steps', () => {
  it('graph names per sub-step', () => {
    const step = dropoutStep();
    const chained = chainTrainingSteps(step, 2);
    const graph = decodeModelProtoJson(chained.model).graph;
    const inputs = graph.input.map((input) => input.name);
    const outputs = graph.output.map((output) => output.name);

    for (const name of ['x', 'target', 'mask', learningRateInput, stepInput]) {
      expect(inputs).toContain(subStepName(name, 0));
      expect(inputs).toContain(subStepName(name, 1));
      expect(inputs).not.toContain(name);
    }
    for (const state of step.layout.states) {
      expect(inputs.filter((name) => name === state.name)).toHaveLength(1);
      expect(outputs.filter((name) => name === state.outputName)).toHaveLength(1);
    }
    expect(outputs).toContain(subStepName('metrics/loss', 0));
    expect(outputs).toContain(subStepName('metrics/loss', 1));
    expect(graph.node.length).toBe(2 * decodeModelProtoJson(step.model).graph.node.length);
  });

  it('chainTrainingSteps throws when steps invalid', () => {
    expect(() => chainTrainingSteps(dropoutStep(), 0)).toThrow(ValidationError);
    expect(() => chainTrainingSteps(dropoutStep(), 1.5)).toThrow(/positive integer/);
  });

  it('runSteps matches runStep bitwise', async () => {
    const step = dropoutStep();
    const single = await Trainer.create(step, { seed: 5 });
    const singleBatches = drawBatches(single, new SeededRandom(40), learningRates.length);
    const expectedMetrics = [];
    for (let i = 0; i < learningRates.length; i++) expectedMetrics.push(await single.runStep(singleBatches[i], learningRates[i]));

    // Seven steps with three per run: two chained runs, then one single step.
    const chained = await Trainer.create(step, { seed: 5, stepsPerRun: 3 });
    const metrics = await chained.runSteps(drawBatches(chained, new SeededRandom(40), learningRates.length), learningRates);

    expect(chained.stepCount).toBe(learningRates.length);
    expect(metrics).toEqual(expectedMetrics);
    expectSameStates(chained, single);
    await single.release();
    await chained.release();
  });

  it('chained buffers match runStep', async () => {
    // The BN-neck's running statistics are buffers that every step updates.
    const step = buildProjectionHeadStep({ featureWidth: 8, projectionWidth: 6, classes: 4, batch: 8 }, { type: 'adamw' }, 1);
    const labels = createTensor('int64', BigInt64Array.from([0n, 0n, 1n, 1n, 2n, 2n, 3n, 3n]), [8]);
    const draw = (data: SeededRandom) => Array.from({ length: 4 }, () => ({ features: createTensor('float32', Float32Array.from({ length: 64 }, () => data.nextNormal()), [8, 8]), labels }));

    const single = await Trainer.create(step);
    for (const batch of draw(new SeededRandom(8))) await single.runStep(batch, 0.01);
    const chained = await Trainer.create(step, { stepsPerRun: 2 });
    await chained.runSteps(draw(new SeededRandom(8)), [0.01, 0.01, 0.01, 0.01]);

    expect(Array.from(chained.stateValues('buffer').get('neck/running_mean')!).some((value) => value !== 0)).toBe(true);
    expectSameStates(chained, single);
    await single.release();
    await chained.release();
  });

  it('chained resume matches uninterrupted run', async () => {
    const step = dropoutStep();
    const straight = await Trainer.create(step, { seed: 9, stepsPerRun: 2 });
    const straightData = new SeededRandom(50);
    await straight.runSteps(drawBatches(straight, straightData, 6), learningRates.slice(0, 6));

    const first = await Trainer.create(step, { seed: 9, stepsPerRun: 2 });
    const firstData = new SeededRandom(50);
    await first.runSteps(drawBatches(first, firstData, 4), learningRates.slice(0, 4));
    const path = join(temporaryDirectory, 'chained.safetensors');
    await first.saveCheckpoint(path, { data_random_state: String(firstData.state) });
    await first.release();

    const resumed = await Trainer.create(step, { seed: 1, stepsPerRun: 2 });
    const metadata = await resumed.loadCheckpoint(path);
    const resumedData = new SeededRandom(0);
    resumedData.state = Number(metadata.data_random_state);
    await resumed.runSteps(drawBatches(resumed, resumedData, 2), learningRates.slice(4, 6));

    expect(resumed.stepCount).toBe(6);
    expectSameStates(resumed, straight);
    await straight.release();
    await resumed.release();
  });

  it('chained run copies state once per run', async () => {
    const step = dropoutStep();
    const single = await Trainer.create(step);
    const chained = await Trainer.create(step, { stepsPerRun: 4 });
    const metricBytes = 2 * 4;
    expect(chained.bytesCopiedPerStep - metricBytes).toBe((single.bytesCopiedPerStep - metricBytes) / 4);
    await single.release();
    await chained.release();
  });

  it('runSteps throws when rates mismatch', async () => {
    const trainer = await Trainer.create(dropoutStep(), { stepsPerRun: 2 });
    const batches = drawBatches(trainer, new SeededRandom(1), 2);
    await expect(trainer.runSteps(batches, [0.01])).rejects.toThrow(ValidationError);
    await expect(trainer.runSteps([batches[0], { x: batches[1].x }], [0.01, 0.01])).rejects.toThrow(/lacks it/);
    expect(trainer.stepCount).toBe(0);
    await trainer.release();
  });
});
