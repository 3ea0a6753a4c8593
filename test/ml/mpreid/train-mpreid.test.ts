import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../main/errors';
import { silentProgress, type ProgressReporter } from '../../../main/jobs/progress';
import { presetConfig, trainMpreid, trainMpreidInWorker, type MpreidConfig, type MpreidTrainingData } from '../../../main/ml/mpreid';
import { encodeSafetensors, readSafetensors } from '../../../main/ml/training/safetensors';
import { useTempDirs } from '../../helpers/temp-dirs';
import { randomClipTensors } from '../text/clip-text-fixture';
import { dukeTrainingSubset } from './duke-training-subset';

const tempDir = useTempDirs();
let data: MpreidTrainingData;

beforeAll(async () => {
  data = await dukeTrainingSubset(16);
}, 240_000);

/** Builds a test-sized config with every prompt kind on, so that every loss term is in the graph. */
function smallConfig(overrides: Partial<MpreidConfig> = {}): MpreidConfig {
  return {
    ...presetConfig('chat-vqa'),
    prompts: { attributeWords: true, chat: true, vqa: true },
    identitiesPerBatch: 8,
    imagesPerIdentity: 4,
    jointWidth: 64,
    textEncoder: { source: 'scratch', width: 32, layers: 1, heads: 2, contextLength: 24 },
    stage1Epochs: 1,
    stage2Epochs: 2,
    warmupEpochs: 0,
    stepsPerEpoch: 6,
    executionProvider: 'cpu',
    ...overrides,
  };
}

/** Creates a reporter that cancels the run after `calls` calls of `throwIfCancelled`. */
function cancelAfter(calls: number): ProgressReporter {
  let asked = 0;
  return {
    ...silentProgress(),
    throwIfCancelled: () => {
      if (++asked > calls) throw new CancelledError();
    },
  };
}

describe('trainMpreid', () => {
  it('lowers every loss term', async () => {
    const config = smallConfig({ stage1Epochs: 3, stage2Epochs: 4, stepsPerEpoch: 10, stage1LearningRate: 3e-3, learningRate: 2e-3 });
    const outcome = await trainMpreid(data, config, { runDirectory: tempDir('mpreid-losses'), progress: silentProgress() });

    for (const stage of ['stage1', 'stage2'] as const) {
      const epochs = outcome.epochs.filter((record) => record.stage === stage);
      const first = epochs[0].losses;
      const last = epochs.at(-1)!.losses;
      const terms = Object.keys(first).filter((name) => name !== 'gradient_norm');
      expect(terms.length).toBeGreaterThanOrEqual(stage === 'stage1' ? 3 : 7);
      for (const term of terms) expect(last[term], `${stage} ${term}`).toBeLessThan(first[term]);
    }
    expect(outcome.figures!.mAP).toBeGreaterThan(0);
    expect(outcome.oracle).toBe(false);
  }, 240_000);

  it('resumes to the same result', async () => {
    const config = smallConfig();
    const straight = await trainMpreid(data, config, { runDirectory: tempDir('mpreid-straight'), progress: silentProgress() });

    const resumedDir = tempDir('mpreid-resumed');
    // One stage-1 epoch and one stage-2 epoch of 6 steps, then 3 steps into the next.
    await expect(trainMpreid(data, config, { runDirectory: resumedDir, progress: cancelAfter(15) })).rejects.toBeInstanceOf(CancelledError);
    const resumed = await trainMpreid(data, config, { runDirectory: resumedDir, progress: silentProgress() });

    expect(resumed.resumed).toBe(true);
    expect(resumed.epochs.map((record) => record.losses)).toEqual(straight.epochs.map((record) => record.losses));
    expect(resumed.figures).toEqual(straight.figures);
    expect(readFileSync(join(resumedDir, 'image-head.onnx')).equals(readFileSync(straight.artifacts.imageHeadPath))).toBe(true);
  }, 240_000);

  it('refuses to resume on changed prompt text', async () => {
    const runDirectory = tempDir('mpreid-changed-prompts');
    await trainMpreid(data, smallConfig({ stage2Epochs: 1 }), { runDirectory, progress: silentProgress() });
    const edited = { ...data, prompts: data.prompts.map((prompt, index) => (index === 0 ? { ...prompt, chat: [...prompt.chat!.slice(0, -1), 320, prompt.chat!.at(-1)!] } : prompt)) };

    await expect(trainMpreid(edited, smallConfig({ stage2Epochs: 1 }), { runDirectory, progress: silentProgress() })).rejects.toThrow(/prompts whose text has changed/);
  }, 240_000);

  it('gives the same result on a worker thread', async () => {
    const config = smallConfig({ stage2Epochs: 1 });
    const steps: number[] = [];
    const updates: string[] = [];
    const progress = { ...silentProgress(), update: (phase: string) => updates.push(phase) };

    const direct = await trainMpreid(data, config, { runDirectory: tempDir('mpreid-direct'), progress: silentProgress() });
    const inWorker = await trainMpreidInWorker(data, config, { runDirectory: tempDir('mpreid-worker'), progress, hooks: { onStep: (record) => steps.push(record.step) } });

    expect(inWorker.epochs.map((record) => record.losses)).toEqual(direct.epochs.map((record) => record.losses));
    expect(inWorker.figures).toEqual(direct.figures);
    expect(steps).toHaveLength(12);
    expect(new Set(updates)).toEqual(new Set(['stage1', 'stage2']));
  }, 240_000);

  it('cancels a worker run and resumes it', async () => {
    const config = smallConfig({ stage2Epochs: 1 });
    const runDirectory = tempDir('mpreid-worker-cancel');
    const controller = new AbortController();
    const hooks = { onEpoch: () => controller.abort() };

    await expect(trainMpreidInWorker(data, config, { runDirectory, progress: silentProgress(controller.signal), hooks })).rejects.toBeInstanceOf(CancelledError);
    const resumed = await trainMpreidInWorker(data, config, { runDirectory, progress: silentProgress() });

    expect(resumed.resumed).toBe(true);
    expect(resumed.epochs.map((record) => record.stage)).toEqual(['stage1', 'stage2']);
  }, 240_000);

  it('refuses to resume with another configuration', async () => {
    const runDirectory = tempDir('mpreid-changed');
    await trainMpreid(data, smallConfig({ stage2Epochs: 1 }), { runDirectory, progress: silentProgress() });

    await expect(trainMpreid(data, smallConfig({ stage2Epochs: 1, learningRate: 1e-2 }), { runDirectory, progress: silentProgress() })).rejects.toThrow(/another configuration/);
  }, 240_000);

  it('marks an evaluation with identity prompts as oracle', async () => {
    const imageOnly = await trainMpreid(data, smallConfig({ stage2Epochs: 1 }), { runDirectory: tempDir('mpreid-image'), progress: silentProgress() });
    const oracle = await trainMpreid(data, smallConfig({ stage2Epochs: 1, evaluationFeatures: 'image-with-identity-prompts' }), { runDirectory: tempDir('mpreid-oracle'), progress: silentProgress() });

    expect(imageOnly.oracle).toBe(false);
    expect(oracle.oracle).toBe(true);
    expect(oracle.features).toMatch(/oracle/);
    expect(oracle.figures!.mAP).not.toBe(imageOnly.figures!.mAP);
  }, 240_000);

  it('refuses an oracle evaluation without explicit prompts', async () => {
    const config = smallConfig({ prompts: { attributeWords: false, chat: false, vqa: false }, evaluationFeatures: 'image-with-identity-prompts' });

    await expect(trainMpreid(data, config, { runDirectory: tempDir('mpreid-no-oracle'), progress: silentProgress() })).rejects.toThrow(/needs a run with explicit prompts/);
  });

  it('trains without stage-1 epochs', async () => {
    const outcome = await trainMpreid(data, smallConfig({ stage1Epochs: 0, stage2Epochs: 1 }), { runDirectory: tempDir('mpreid-no-stage1'), progress: silentProgress() });

    expect(outcome.epochs.map((record) => record.stage)).toEqual(['stage2']);
    expect(readFileSync(outcome.artifacts.textEncoderPath).length).toBeGreaterThan(0);
  }, 240_000);

  it('trains with frozen CLIP weights from a file', async () => {
    const clipLike = { vocabularySize: 49408, contextLength: 77, width: 64, layers: 1, heads: 1, outputWidth: 64 };
    const weightsPath = join(tempDir('mpreid-clip-weights'), 'clip-text.safetensors');
    writeFileSync(weightsPath, encodeSafetensors({ tensors: randomClipTensors(clipLike), metadata: { format: 'pt' } }));
    const runDirectory = tempDir('mpreid-clip');

    const outcome = await trainMpreid(data, smallConfig({ stage2Epochs: 1, textEncoder: { source: 'clip', weightsPath } }), { runDirectory, progress: silentProgress() });

    expect(outcome.figures!.mAP).toBeGreaterThan(0);
    const journal = JSON.parse(readFileSync(join(runDirectory, 'journal.json'), 'utf8')) as { checkpoints: Record<string, string> };
    const trained = await readSafetensors(join(runDirectory, journal.checkpoints.stage2));
    const names = trained.tensors.map((tensor) => tensor.name);
    expect(names).toContain('text/prompt_projection/weight');
    expect(names.filter((name) => name.includes('text_encoder/'))).toEqual([]);
  }, 240_000);

  it('learns the configured implicit token count', async () => {
    const runDirectory = tempDir('mpreid-two-tokens');
    await trainMpreid(data, smallConfig({ implicitTokens: 2, stage2Epochs: 1 }), { runDirectory, progress: silentProgress() });

    const journal = JSON.parse(readFileSync(join(runDirectory, 'journal.json'), 'utf8')) as { checkpoints: Record<string, string> };
    const stage1 = await readSafetensors(join(runDirectory, journal.checkpoints.stage1));
    const tokens = stage1.tensors.find((tensor) => tensor.name === 'implicit_tokens')!;
    expect(tokens.shape).toEqual([16, 2, 32]);
  }, 240_000);

  it('trains the learnable-only preset without explicit prompts', async () => {
    const config = smallConfig({ prompts: { attributeWords: false, chat: false, vqa: false } });
    const outcome = await trainMpreid(data, config, { runDirectory: tempDir('mpreid-learnable'), progress: silentProgress() });

    const stage2 = outcome.epochs.find((record) => record.stage === 'stage2')!;
    expect(Object.keys(stage2.losses).sort()).toEqual(['gradient_norm', 'id', 'loss', 'm2pce', 'tri']);
    expect(outcome.artifacts.contextLength).toBeGreaterThan(0);
  }, 240_000);
});
