import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, polylinePoints, thinPoints } from '../../renderer/src/components/plot-scale';
import { checkDraft, clipSizedScratchEncoder, matchesPreset, setDraftField, withTextEncoderSource, type TrainingConfig } from '../../renderer/src/pages/training/config-draft';
import { figureByEpoch, lossCurves, stageMarkers, type EpochRecord, type StepRecord } from '../../renderer/src/pages/training/training-curves';

const config: TrainingConfig = {
  prompts: { attributeWords: true, chat: false, vqa: false },
  stage1Epochs: 2,
  stage1LearningRate: 0.00035,
  stage2Epochs: 3,
  learningRate: 5e-6,
  warmupEpochs: 1,
  weightDecay: 0.0005,
  identitiesPerBatch: 4,
  imagesPerIdentity: 2,
  lossWeights: { cls: 1, m2p: 1, p2m: 1, m2pce: 1, id: 0.25, tri: 1 },
  implicitTokens: 4,
  jointWidth: 64,
  textEncoder: { source: 'scratch', width: 32, layers: 1, heads: 2, contextLength: 16 },
  seed: 1,
  evaluateEachEpoch: true,
  evaluationFeatures: 'image',
  executionProvider: 'cpu',
};

function step(stage: 'stage1' | 'stage2', index: number, losses: Record<string, number>): StepRecord {
  return { stage, step: index, epoch: 1, learningRate: 0.001, losses };
}

function epoch(mAP: number | null): EpochRecord {
  const figures = mAP === null ? null : { mAP, rank1: mAP + 0.1, rank5: 0.9, rank10: 0.95, rank20: 1, mINP: mAP / 2, cmc: [mAP + 0.1] };
  return { stage: 'stage2', epoch: 1, losses: {}, figures, seconds: 1 };
}

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.3, 7.2)).toEqual([0, 2, 4, 6, 8]);
  });

  it('widens an empty range', () => {
    const ticks = niceTicks(3, 3);

    expect(ticks[0]).toBeLessThan(3);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(3);
  });

  it('avoids floating-point noise', () => {
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
});

describe('linearScale', () => {
  it('maps ends and flips the y range', () => {
    const yOf = linearScale([0, 10], [200, 0]);

    expect(yOf(0)).toBe(200);
    expect(yOf(10)).toBe(0);
    expect(yOf(2.5)).toBe(150);
  });

  it('centres a zero-width domain', () => {
    expect(linearScale([4, 4], [0, 100])(4)).toBe(50);
  });
});

describe('thinPoints', () => {
  it('keeps short series as they are', () => {
    const points = [
      { x: 1, y: 5 },
      { x: 2, y: 3 },
    ];

    expect(thinPoints(points, 10)).toBe(points);
  });

  it('averages buckets of a long series', () => {
    const points = Array.from({ length: 1000 }, (_, index) => ({ x: index + 1, y: index % 2 }));
    const thinned = thinPoints(points, 100);

    expect(thinned).toHaveLength(100);
    expect(thinned[0]).toEqual({ x: 5.5, y: 0.5 });
    expect(thinned[99].x).toBe(995.5);
  });
});

describe('polylinePoints', () => {
  it('writes scaled pairs', () => {
    const text = polylinePoints([{ x: 0, y: 1 }, { x: 1, y: 0 }], linearScale([0, 1], [10, 110]), linearScale([0, 1], [50, 0]));

    expect(text).toBe('10.0,0.0 110.0,50.0');
  });
});

describe('lossCurves', () => {
  it('makes one line per term across stages', () => {
    const steps = [step('stage1', 1, { m2p: 2, p2m: 2.5 }), step('stage1', 2, { m2p: 1.5, p2m: 2 }), step('stage2', 1, { id: 4, tri: 0.6 }), step('stage2', 2, { id: 3, tri: 0.5 })];
    const curves = lossCurves(steps);

    expect(curves.map((curve) => curve.name)).toEqual(['m2p', 'p2m', 'id', 'tri']);
    expect(curves[2].points).toEqual([
      { x: 3, y: 4 },
      { x: 4, y: 3 },
    ]);
    expect(stageMarkers(steps)).toEqual([{ x: 3, label: 'stage 2' }]);
  });

  it('leaves the gradient norm out', () => {
    const steps = [step('stage2', 1, { tri: 0.5, gradient_norm: 120 }), step('stage2', 2, { tri: 0.4, gradient_norm: 80 })];

    expect(lossCurves(steps).map((curve) => curve.name)).toEqual(['tri']);
    expect(lossCurves(steps, 10, (term) => term === 'gradient_norm')[0].points).toEqual([
      { x: 1, y: 120 },
      { x: 2, y: 80 },
    ]);
  });

  it('thins long runs', () => {
    const steps = Array.from({ length: 5000 }, (_, index) => step('stage2', index + 1, { tri: 1 / (index + 1) }));

    expect(lossCurves(steps, 250)[0].points).toHaveLength(250);
  });
});

describe('figureByEpoch', () => {
  it('skips epochs without figures', () => {
    expect(figureByEpoch([epoch(null), epoch(0.4), epoch(0.5)], 'mAP')).toEqual([
      { x: 2, y: 0.4 },
      { x: 3, y: 0.5 },
    ]);
  });
});

describe('checkDraft', () => {
  it('accepts a valid config', () => {
    const check = checkDraft(config);

    expect(check.errors).toBeNull();
    expect(check.config).toEqual(config);
  });

  it('parses typed numbers', () => {
    const draft = setDraftField(setDraftField(config, 'learningRate', '5e-7'), 'lossWeights.tri', ' 0.5 ');
    const check = checkDraft(draft);

    expect(check.config?.learningRate).toBe(5e-7);
    expect(check.config?.lossWeights.tri).toBe(0.5);
  });

  it('names each invalid field', () => {
    let draft = setDraftField(config, 'stage2Epochs', 0);
    draft = setDraftField(draft, 'learningRate', 'fast');
    draft = setDraftField(draft, 'identitiesPerBatch', '');
    draft = setDraftField(draft, 'imagesPerIdentity', 2.5);
    draft = setDraftField(draft, 'lossWeights.cls', 101);
    const check = checkDraft(draft);

    expect(check.config).toBeNull();
    expect(check.errors?.['stage2Epochs']).toBe('Must be at least 1.');
    expect(check.errors?.['learningRate']).toBe('Must be a number.');
    expect(check.errors?.['identitiesPerBatch']).toBe('Required.');
    expect(check.errors?.['imagesPerIdentity']).toBe('Must be a whole number.');
    expect(check.errors?.['lossWeights.cls']).toBe('Must be at most 100.');
  });

  it('rejects a zero learning rate', () => {
    expect(checkDraft(setDraftField(config, 'stage1LearningRate', 0)).errors?.['stage1LearningRate']).toBe('Must be above 0.');
  });

  it('rejects heads that do not divide width', () => {
    const check = checkDraft(setDraftField(config, 'textEncoder.heads', 3));

    expect(check.errors?.['textEncoder.heads']).toContain('does not split into 3 heads');
  });

  it('checks heads beside other errors', () => {
    const draft = setDraftField(setDraftField(config, 'textEncoder.heads', '3'), 'stage2Epochs', 0);
    const errors = checkDraft(draft).errors;

    expect(errors?.['stage2Epochs']).toBe('Must be at least 1.');
    expect(errors?.['textEncoder.heads']).toContain('does not split into 3 heads');
  });

  it('requires a CLIP weights file', () => {
    const draft = withTextEncoderSource(config, 'clip', config.textEncoder);

    expect(checkDraft(draft).errors?.['textEncoder.weightsPath']).toBe('Required.');
  });

  it('leaves an empty steps per epoch out', () => {
    const check = checkDraft(setDraftField(config, 'stepsPerEpoch', ''));

    expect(check.config).not.toBeNull();
    expect(check.config).not.toHaveProperty('stepsPerEpoch', expect.anything());
  });
});

describe('withTextEncoderSource', () => {
  it('restores the preset scratch sizes', () => {
    const clip = withTextEncoderSource(config, 'clip', config.textEncoder);

    expect(withTextEncoderSource(clip, 'scratch', config.textEncoder).textEncoder).toEqual(config.textEncoder);
    expect(withTextEncoderSource(clip, 'scratch', { source: 'clip', weightsPath: '/weights.safetensors' }).textEncoder).toEqual(clipSizedScratchEncoder);
  });
});

describe('matchesPreset', () => {
  it('detects an edited field', () => {
    expect(matchesPreset(config, config)).toBe(true);
    expect(matchesPreset(setDraftField(config, 'seed', '1'), config)).toBe(true);
    expect(matchesPreset(setDraftField(config, 'seed', 2), config)).toBe(false);
  });
});
