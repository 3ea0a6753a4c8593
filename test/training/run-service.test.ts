import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../main/app-context';
import { ShapeError } from '../../main/errors';
import type { MpreidHooks, MpreidOutcome } from '../../main/ml/mpreid/training-types';
import { deleteTrainingRun, getTrainingRun, listTrainingRuns, mpreidTrainer, resumeTrainingRun, startTrainingRun, waitForRun, type MpreidTrainer } from '../../main/training';
import { runDirectoryFor } from '../../main/training/run-folder';
import { openTrainingWorkspace, vocabularyPath, type TrainingWorkspace } from './fixtures';

/**
 * Creates a trainer that records two steps and one epoch, then waits until
 * its job is cancelled, or fails when `failNext` is set. It checks the run
 * service's bookkeeping apart from real training.
 */
function controlledTrainer(): MpreidTrainer & { failNext: boolean; runDirectories: string[] } {
  const trainer = {
    ...mpreidTrainer,
    failNext: false,
    runDirectories: [] as string[],
    async train(_data: unknown, _config: unknown, options: { runDirectory: string; progress: { signal: AbortSignal; throwIfCancelled(): void }; hooks?: MpreidHooks }): Promise<MpreidOutcome> {
      trainer.runDirectories.push(options.runDirectory);
      options.hooks?.onStep?.({ stage: 'stage1', epoch: 1, step: 1, learningRate: 0.001, losses: { total: 2.5, cls: 2.5 } });
      options.hooks?.onStep?.({ stage: 'stage1', epoch: 1, step: 2, learningRate: 0.001, losses: { total: 2.0, cls: 2.0 } });
      options.hooks?.onEpoch?.({ stage: 'stage1', epoch: 1, losses: { total: 2.25, cls: 2.25 }, figures: null, seconds: 0.5 });
      if (trainer.failNext) throw new ShapeError('The stand-in trainer failed on purpose.');
      await new Promise((resolve) => options.progress.signal.addEventListener('abort', resolve, { once: true }));
      options.progress.throwIfCancelled();
      throw new Error('The stand-in trainer resumed without a cancelled signal.');
    },
  };
  return trainer;
}

let workspace: TrainingWorkspace;

beforeAll(async () => {
  workspace = await openTrainingWorkspace(['train', 'query', 'gallery']);
}, 120_000);

afterAll(() => {
  closeAppContext(workspace.context);
  rmSync(workspace.dir, { recursive: true, force: true });
});

/** Builds a request on the six-identity subset, whose batches can hold four identities. */
function startRequest(changes: Partial<Parameters<typeof startTrainingRun>[2]> = {}) {
  const overrides = { identitiesPerBatch: 4, ...changes.overrides };
  return { datasetId: workspace.datasetId, imageModelId: workspace.modelId, preset: 'learnable' as const, vocabularyPath, ...changes, overrides };
}

/** Cancels a run's job once the trainer was called, so cancellation lands inside training. */
async function cancelAndWait(trainer: ReturnType<typeof controlledTrainer>, runId: number, jobId: number | null): Promise<string> {
  await expect.poll(() => trainer.runDirectories.length).toBe(1);
  expect(workspace.context.jobs.cancel(jobId!)).toBe(true);
  return waitForRun(workspace.context, runId);
}

describe('training run lifecycle', () => {
  it('stores steps and epochs, then cancels', async () => {
    const trainer = controlledTrainer();

    const started = await startTrainingRun(workspace.context, trainer, startRequest({ name: 'lifecycle' }));

    expect(started.status).toBe('running');
    expect(started.jobId).not.toBeNull();
    expect(started.name).toBe('lifecycle');
    expect(started.preset).toBe('learnable');
    await expect.poll(() => getTrainingRun(workspace.context.db, started.runId).steps.length).toBe(2);
    expect(await cancelAndWait(trainer, started.runId, started.jobId)).toBe('cancelled');

    const detail = getTrainingRun(workspace.context.db, started.runId);
    expect(detail.status).toBe('cancelled');
    expect(detail.error?.code).toBe('cancelled');
    expect(detail.epochs).toEqual([{ stage: 'stage1', epoch: 1, losses: { total: 2.25, cls: 2.25 }, figures: null, seconds: 0.5 }]);
    expect(detail.steps.map((step) => step.losses.total)).toEqual([2.5, 2.0]);
    expect(detail.baseline?.mAP).toBeGreaterThan(0);
    expect(detail.codeVersion).toMatch(/^\d+\.\d+\.\d+\+/);
    expect(detail.finishedAt).not.toBeNull();
    expect(trainer.runDirectories).toEqual([join(`${workspace.context.workspacePath}.runs`, String(started.runId))]);
  });

  it('resumes in the same folder and stores a failure', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest());
    await cancelAndWait(trainer, started.runId, started.jobId);
    trainer.failNext = true;

    const resumed = await resumeTrainingRun(workspace.context, trainer, started.runId);

    expect(resumed.status).toBe('running');
    expect(resumed.jobId).not.toBe(started.jobId);
    expect(await waitForRun(workspace.context, started.runId)).toBe('failed');
    const detail = getTrainingRun(workspace.context.db, started.runId);
    expect(detail.error).toEqual({ code: 'shape', message: 'The stand-in trainer failed on purpose.' });
    expect(trainer.runDirectories[0]).toBe(trainer.runDirectories[1]);
    expect(detail.epochsDone).toBe(1);
  });

  it('rejects a second run on a training dataset', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest());

    await expect(startTrainingRun(workspace.context, trainer, startRequest())).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already running') });
    await expect(resumeTrainingRun(workspace.context, trainer, started.runId)).rejects.toMatchObject({ code: 'conflict' });
    await expect(deleteTrainingRun(workspace.context, started.runId)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Cancel the job') });

    await cancelAndWait(trainer, started.runId, started.jobId);
  });

  it('starts one of two quick requests', async () => {
    const trainer = controlledTrainer();

    const outcomes = await Promise.allSettled([startTrainingRun(workspace.context, trainer, startRequest()), startTrainingRun(workspace.context, trainer, startRequest())]);

    const started = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(started).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    const run = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startTrainingRun>>>).value;
    await cancelAndWait(trainer, run.runId, run.jobId);
  });

  it('marks a crashed run interrupted', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest());
    await cancelAndWait(trainer, started.runId, started.jobId);
    // What a crash leaves: the run still marked running, its job marked interrupted at open.
    workspace.context.db.prepare("UPDATE training_runs SET status = 'running' WHERE id = ?").run(started.runId);
    workspace.context.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE id = ?").run(started.jobId);

    const listed = listTrainingRuns(workspace.context.db, workspace.datasetId).find((run) => run.runId === started.runId);

    expect(listed?.status).toBe('interrupted');
  });

  it('deletes rows and folder', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest());
    await cancelAndWait(trainer, started.runId, started.jobId);
    const runDirectory = trainer.runDirectories[0];
    writeFileSync(join(runDirectory, 'checkpoint.bin'), 'x');

    await deleteTrainingRun(workspace.context, started.runId);

    expect(existsSync(runDirectory)).toBe(false);
    expect(() => getTrainingRun(workspace.context.db, started.runId)).toThrow(/does not exist/);
    const steps = workspace.context.db.prepare('SELECT COUNT(*) AS count FROM training_steps WHERE run_id = ?').get(started.runId) as { count: number };
    expect(steps.count).toBe(0);
  });

  it('clears a stale folder of a reused run id', async () => {
    const { max } = workspace.context.db.prepare('SELECT MAX(id) AS max FROM training_runs').get() as { max: number | null };
    const staleDirectory = runDirectoryFor(workspace.context.workspacePath, (max ?? 0) + 1);
    mkdirSync(staleDirectory, { recursive: true });
    writeFileSync(join(staleDirectory, 'journal.json'), '{"left": "by a deleted run"}');
    const trainer = controlledTrainer();

    const started = await startTrainingRun(workspace.context, trainer, startRequest());
    await cancelAndWait(trainer, started.runId, started.jobId);

    expect(trainer.runDirectories[0]).toBe(staleDirectory);
    expect(existsSync(join(staleDirectory, 'journal.json'))).toBe(false);
  });

  it('lists runs newest first', async () => {
    const runs = listTrainingRuns(workspace.context.db);

    expect(runs.length).toBeGreaterThanOrEqual(3);
    const ids = runs.map((run) => run.runId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(runs.every((run) => run.datasetName === 'duke-subset')).toBe(true);
  });
});

describe('training run overrides', () => {
  it('keeps the preset for schedule changes', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest({ overrides: { stage2Epochs: 1, seed: 7 } }));
    await cancelAndWait(trainer, started.runId, started.jobId);

    const detail = getTrainingRun(workspace.context.db, started.runId);

    expect(detail.preset).toBe('learnable');
    expect(detail.config.stage2Epochs).toBe(1);
    expect(detail.config.seed).toBe(7);
    expect(detail.epochsTotal).toBe(detail.config.stage1Epochs + 1);
  });

  it('marks other changes custom', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest({ overrides: { jointWidth: 64 } }));
    await cancelAndWait(trainer, started.runId, started.jobId);

    expect(getTrainingRun(workspace.context.db, started.runId).preset).toBe('custom');
  });

  it('marks oracle evaluation at the start', async () => {
    const trainer = controlledTrainer();
    const started = await startTrainingRun(workspace.context, trainer, startRequest({ overrides: { evaluationFeatures: 'image-with-identity-prompts' } }));
    await cancelAndWait(trainer, started.runId, started.jobId);

    expect(started.oracle).toBe(true);
    expect(started.features).toContain('oracle');
  });
});

describe('training start input', () => {
  it('rejects more identities than trained', async () => {
    const request = startRequest({ overrides: { identitiesPerBatch: 7 } });

    await expect(startTrainingRun(workspace.context, controlledTrainer(), request)).rejects.toThrow(/needs 7 identities.*has only 6/);
  });

  it('rejects an unknown dataset', async () => {
    await expect(startTrainingRun(workspace.context, controlledTrainer(), startRequest({ datasetId: 999 }))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rejects missing prompts before storing a run', async () => {
    const runsBefore = listTrainingRuns(workspace.context.db).length;

    await expect(startTrainingRun(workspace.context, controlledTrainer(), startRequest({ preset: 'chat' }))).rejects.toThrow(/has no ChatGPT prompt/);
    expect(listTrainingRuns(workspace.context.db)).toHaveLength(runsBefore);
  });

  it('rejects a missing vocabulary', async () => {
    const previous = process.env.MPREID_CLIP_VOCAB;
    delete process.env.MPREID_CLIP_VOCAB;
    try {
      await expect(startTrainingRun(workspace.context, controlledTrainer(), startRequest({ vocabularyPath: undefined }))).rejects.toThrow(/MPREID_CLIP_VOCAB/);
    } finally {
      if (previous !== undefined) process.env.MPREID_CLIP_VOCAB = previous;
    }
  });

  it('rejects an unreadable vocabulary', async () => {
    const missing = join(workspace.dir, 'no-vocabulary.txt.gz');

    await expect(startTrainingRun(workspace.context, controlledTrainer(), startRequest({ vocabularyPath: missing }))).rejects.toThrow(/no-vocabulary/);
  });
});

describe('training start without features', () => {
  let bare: TrainingWorkspace;

  beforeAll(async () => {
    bare = await openTrainingWorkspace(['query', 'gallery'], { identities: 2, imagesPerIdentity: 2, queries: 2 });
  }, 60_000);

  afterAll(() => {
    closeAppContext(bare.context);
    rmSync(bare.dir, { recursive: true, force: true });
  });

  it('asks to run embeddings first', async () => {
    const request = { datasetId: bare.datasetId, imageModelId: bare.modelId, preset: 'learnable' as const, vocabularyPath };

    await expect(startTrainingRun(bare.context, controlledTrainer(), request)).rejects.toThrow(/4 of 4 train images.*Run embeddings/);
    expect(listTrainingRuns(bare.context.db)).toEqual([]);
  });

  it('rejects a dataset without a train split', async () => {
    const datasetDir = join(bare.dir, 'evaluation-only');
    mkdirSync(join(datasetDir, 'query'), { recursive: true });
    mkdirSync(join(datasetDir, 'bounding_box_test'));
    for (const split of ['query', 'bounding_box_test']) {
      const source = join(bare.dir, 'duke-subset', split);
      for (const name of readdirSync(source)) writeFileSync(join(datasetDir, split, name), readFileSync(join(source, name)));
    }
    const datasetId = (await bare.call('datasets.import', { datasetDir, name: 'evaluation-only' })).datasetId;
    const request = { datasetId, imageModelId: bare.modelId, preset: 'learnable' as const, vocabularyPath };

    await expect(startTrainingRun(bare.context, controlledTrainer(), request)).rejects.toThrow(/no train split/);
  });
});
