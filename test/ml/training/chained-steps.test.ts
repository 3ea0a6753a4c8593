import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { GraphBuilder } from '../../../main/ml/graph/graph-builder';
import { decodeModelProtoJson } from '../../../main/ml/graph/onnx-proto';
import { dropout, mul, reduceMean, sub } from '../../../main/ml/ops';
import { chainTrainingSteps, subStepName } from '../../../main/ml/training/chained-steps';
import { linear, type LayerContext } from '../../../main/ml/training/layers';
import { SeededRandom } from '../../../main/ml/training/random';
import { buildTrainingStep, learningRateInput, stepInput } from '../../../main/ml/training/step-graph';
import { createTensor, type OrtTensor } from '../../../main/ml/training/step-session';
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
    const expected = single.stateValues();
    const actual = chained.stateValues();
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, values] of expected) expect(Array.from(actual.get(name)!), name).toEqual(Array.from(values));
    await single.release();
    await chained.release();
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
