import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { exportInferenceModel } from '../../../main/ml/training/export';
import { PkSampler } from '../../../main/ml/training/pk-sampler';
import { buildProjectionHeadInference, buildProjectionHeadStep, type ProjectionHeadOptions } from '../../../main/ml/training/projection-head';
import { SeededRandom } from '../../../main/ml/training/random';
import { createTensor, StepSession } from '../../../main/ml/runtime/step-session';
import { Trainer } from '../../../main/ml/training/trainer';

describe('PkSampler', () => {
  it('batches P identities of K images', () => {
    const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 4];
    const sampler = new PkSampler(labels, 3, 2);
    const random = new SeededRandom(1);
    for (let round = 0; round < 20; round++) {
      const batch = sampler.nextBatch(random);
      expect(batch.length).toBe(6);
      const identities = [0, 2, 4].map((slot) => labels[batch[slot]]);
      expect(new Set(identities).size).toBe(3);
      [0, 2, 4].forEach((slot) => expect(labels[batch[slot + 1]]).toBe(labels[batch[slot]]));
    }
  });

  it('same generator state, same batches', () => {
    const sampler = new PkSampler([0, 0, 1, 1, 2, 2, 3, 3], 2, 2);
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    expect(sampler.nextBatch(a)).toEqual(sampler.nextBatch(b));
  });

  it('throws when too few identities', () => {
    expect(() => new PkSampler([0, 0, 1], 3, 2)).toThrow(ValidationError);
  });
});

describe('projection head', () => {
  const options: ProjectionHeadOptions = { featureWidth: 8, projectionWidth: 6, classes: 4, batch: 8, identityStart: 0.1 };

  function syntheticBatch(random: SeededRandom) {
    // Each class has its own mean feature, so the head can learn to separate them.
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    const features = Float32Array.from({ length: 64 }, (_, i) => labels[Math.floor(i / 8)] * ((i % 8) % 4 === labels[Math.floor(i / 8)] ? 2 : 0) + 0.3 * random.nextNormal());
    return { features: createTensor('float32', features, [8, 8]), labels: createTensor('int64', BigInt64Array.from(labels, BigInt), [8]) };
  }

  it('head trains and updates running statistics', async () => {
    const trainer = await Trainer.create(buildProjectionHeadStep(options, { type: 'adamw' }), { seed: 2 });
    const random = new SeededRandom(3);
    const first = await trainer.runStep(syntheticBatch(random), 0.01);
    let last = first;
    for (let i = 0; i < 80; i++) last = await trainer.runStep(syntheticBatch(random), 0.01);
    expect(last.identity).toBeLessThan(first.identity);
    expect(Array.from(trainer.stateValues('buffer').get('neck/running_mean')!).some((value) => value !== 0)).toBe(true);

    const model = exportInferenceModel(buildProjectionHeadInference(options), trainer.stateValues());
    const session = await StepSession.create(model);
    const outputs = await session.run({ features: createTensor('float32', new Float32Array(16).fill(1), [2, 8]) });
    await session.release();
    await trainer.release();
    expect(outputs.projection.dims).toEqual([2, 6]);
    expect(outputs.embedding.dims).toEqual([2, 6]);

    // The BN-neck output follows from the projection and the trained statistics.
    const values = trainer.stateValues();
    const [mean, variance, scale] = ['neck/running_mean', 'neck/running_var', 'neck/weight'].map((name) => values.get(name)!);
    const projection = outputs.projection.data as Float32Array;
    Array.from(outputs.embedding.data as Float32Array).forEach((value, i) => {
      const c = i % 6;
      expect(value).toBeCloseTo(((projection[i] - mean[c]) / Math.sqrt(variance[c] + 1e-5)) * scale[c], 4);
    });
  });
});
