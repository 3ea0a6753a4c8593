import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RetrievalFigures } from '../../api/schemas';
import type { ProgressReporter } from '../../jobs/progress';
import type { OrtTensor } from '../runtime/step-session';
import type { ExecutionProvider } from '../runtime';
import type { SeededRandom } from '../training/random';
import { readSafetensors } from '../training/safetensors';
import { warmupCosineSchedule } from '../training/schedules';
import type { TrainingStep } from '../training/step-graph';
import { Trainer } from '../training/trainer';
import { epochsDone, writeJournal, type RunJournal } from './run-journal';
import type { EpochRecord, MpreidHooks, TrainingStage } from './training-types';

export type StateValues = Map<string, Float32Array | Float64Array>;

/** Draws the inputs of one training step from the run's seeded generator. */
export interface BatchSource {
  next(random: SeededRandom): Record<string, OrtTensor>;
}

export interface StageRun {
  stage: TrainingStage;
  step: TrainingStep;
  epochs: number;
  learningRate: number;
  warmupEpochs: number;
  stepsPerEpoch: number;
  batches: BatchSource;
  /** Start values by name for states the previous stage trained; the rest keep the graph's initial values. */
  initialValues?: ReadonlyMap<string, Float32Array | Float64Array>;
  /** Retrieval figures after an epoch, from the stage's current values; null to skip. */
  evaluate?(values: StateValues, epoch: number): Promise<RetrievalFigures | null>;
  runDirectory: string;
  journal: RunJournal;
  provider: ExecutionProvider;
  seed: number;
  progress: ProgressReporter;
  hooks?: MpreidHooks;
}

/**
 * Runs the epochs of one stage that the journal does not hold yet, committing
 * a checkpoint and a journal entry after each. Returns the stage's final
 * values (parameters and buffers), or null for a stage of 0 epochs.
 */
export async function runStage(run: StageRun): Promise<StateValues | null> {
  if (run.epochs === 0) return null;
  const done = epochsDone(run.journal, run.stage);
  if (done >= run.epochs) return readCheckpointValues(join(run.runDirectory, run.journal.checkpoints[run.stage]!));

  if (done === 0) applyInitialValues(run.step, run.initialValues);
  await mkdir(run.runDirectory, { recursive: true });
  const trainer = await Trainer.create(run.step, { executionProviders: [run.provider], seed: run.seed + (run.stage === 'stage1' ? 101 : 202) });
  try {
    if (done > 0) await trainer.loadCheckpoint(join(run.runDirectory, run.journal.checkpoints[run.stage]!));
    for (let epoch = done + 1; epoch <= run.epochs; epoch++) await runEpoch(run, trainer, epoch);
    return copyValues(trainer.stateValues());
  } finally {
    await trainer.release();
  }
}

async function runEpoch(run: StageRun, trainer: Trainer, epoch: number): Promise<void> {
  const started = performance.now();
  const totalSteps = run.epochs * run.stepsPerEpoch;
  const schedule = warmupCosineSchedule({ baseLearningRate: run.learningRate, warmupSteps: run.warmupEpochs * run.stepsPerEpoch, totalSteps });
  const sums: Record<string, number> = {};

  for (let i = 0; i < run.stepsPerEpoch; i++) {
    run.progress.throwIfCancelled();
    const learningRate = schedule(trainer.stepCount);
    const losses = await trainer.runStep(run.batches.next(trainer.random), learningRate);
    for (const [name, value] of Object.entries(losses)) sums[name] = (sums[name] ?? 0) + value;
    run.hooks?.onStep?.({ stage: run.stage, epoch, step: trainer.stepCount, learningRate, losses });
    run.progress.update(run.stage, trainer.stepCount, totalSteps, `${run.stage} epoch ${epoch}/${run.epochs}, loss ${losses.loss.toFixed(4)}`);
  }

  const values = trainer.stateValues();
  const figures = run.evaluate ? await run.evaluate(values, epoch) : null;
  const losses = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / run.stepsPerEpoch]));
  const record: EpochRecord = { stage: run.stage, epoch, losses, figures, seconds: (performance.now() - started) / 1000 };
  await commitEpoch(run, trainer, record);
  run.hooks?.onEpoch?.(record);
}

/** Checkpoint first, then the journal that names it, then the previous checkpoint goes. */
async function commitEpoch(run: StageRun, trainer: Trainer, record: EpochRecord): Promise<void> {
  const previous = run.journal.checkpoints[run.stage];
  const checkpoint = `${run.stage}-epoch-${record.epoch}.safetensors`;
  await trainer.saveCheckpoint(join(run.runDirectory, checkpoint), { stage: run.stage, epoch: String(record.epoch) });

  run.journal.epochs.push(record);
  run.journal.checkpoints[run.stage] = checkpoint;
  await writeJournal(run.runDirectory, run.journal);
  if (previous && previous !== checkpoint) await rm(join(run.runDirectory, previous), { force: true });
}

function applyInitialValues(step: TrainingStep, values: ReadonlyMap<string, Float32Array | Float64Array> | undefined): void {
  if (!values) return;
  for (const state of step.layout.states) {
    const value = values.get(state.name);
    if (state.kind === 'parameter' && value && value.length === state.initialValue.length) state.initialValue = value.slice();
  }
}

async function readCheckpointValues(path: string): Promise<StateValues> {
  const file = await readSafetensors(path);
  return new Map(file.tensors.flatMap((tensor) => (tensor.data instanceof BigInt64Array ? [] : [[tensor.name, tensor.data] as const])));
}

function copyValues(values: ReadonlyMap<string, Float32Array | Float64Array>): StateValues {
  return new Map([...values].map(([name, value]) => [name, value.slice()]));
}
