import { ValidationError } from '../../errors';
import { createLogger } from '../../log';
import { bytesPerElement } from '../graph/dtype';
import { chainTrainingSteps, subStepName } from './chained-steps';
import { SeededRandom } from './random';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors';
import { learningRateInput, stepInput, type CarriedState, type TrainingStep } from './step-graph';
import { createTensor, StepSession, type ExecutionProvider, type OrtTensor, type StepSessionOptions } from '../runtime/step-session';

const log = createLogger('Trainer');

const checkpointFormat = 'mpreid-training-checkpoint/1';

export interface TrainerOptions {
  executionProviders?: readonly ExecutionProvider[];
  intraOpThreads?: number;
  /**
   * Whether onnxruntime's idle pool threads spin (see StepSessionOptions).
   * Defaults to false, because with other processes busy on a 2-core machine
   * spinning made the benchmark head's steps 1.5 to 3.4 times slower.
   */
  allowSpinning?: boolean;
  /** Seed of the generator the caller draws batches and dropout masks from. */
  seed?: number;
  /**
   * Optimizer steps per onnxruntime run in `runSteps` (see chainTrainingSteps).
   * Larger values copy the carried state out less often, but a run keeps
   * `stepsPerRun - 1` more copies of that state in memory. Defaults to 1.
   */
  stepsPerRun?: number;
}

export interface StepMetrics {
  [name: string]: number;
}

/** Name under which step `index` of a run reads an input or writes a metric; a single-step graph uses the plain name. */
function stepValueName(name: string, index: number, chained: boolean): string {
  return chained ? subStepName(name, index) : name;
}

/**
 * Owns the parameter, buffer and optimizer-state tensors of one training run
 * and runs the step graph on them. Each step feeds the current tensors and
 * keeps onnxruntime's output tensors as the next step's inputs. The CPU
 * binding of onnxruntime-node 1.31 wraps fed buffers without copying (a
 * 268 MB input added under 1 ms per run on a 2-core x86-64 machine). It
 * copies every output into a new JavaScript buffer, though, even one passed
 * as a pre-allocated output, so `runSteps` can chain several steps into one
 * run to copy the carried state out less often.
 */
export class Trainer {
  readonly random: SeededRandom;
  stepCount = 0;
  private readonly states = new Map<string, OrtTensor>();
  /** Single-step session; with stepsPerRun > 1 it is created on the first runStep. */
  private singleSession?: Promise<StepSession>;

  private constructor(
    private readonly step: TrainingStep,
    private readonly sessionOptions: StepSessionOptions,
    /** The session made by `create`: the chained graph's, or the single step's when stepsPerRun is 1. */
    private readonly primary: StepSession,
    private readonly chainedSteps: number | undefined,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
    if (chainedSteps === undefined) this.singleSession = Promise.resolve(primary);
    for (const state of step.layout.states) {
      this.states.set(state.name, createTensor(state.dtype, state.initialValue.slice(), state.shape));
    }
  }

  static async create(step: TrainingStep, options: TrainerOptions = {}): Promise<Trainer> {
    const stepsPerRun = options.stepsPerRun ?? 1;
    const sessionOptions: StepSessionOptions = {
      executionProviders: options.executionProviders,
      intraOpThreads: options.intraOpThreads,
      allowSpinning: options.allowSpinning ?? false,
    };
    const chainedStep = stepsPerRun > 1 ? chainTrainingSteps(step, stepsPerRun) : undefined;
    const session = await StepSession.create(chainedStep?.model ?? step.model, sessionOptions);
    log.info('training session ready', { provider: session.executionProvider, states: step.layout.states.length, stateBytes: stateBytes(step.layout.states), stepsPerRun });

    return new Trainer(step, sessionOptions, session, chainedStep?.steps, options.seed ?? 0);
  }

  get executionProvider(): ExecutionProvider {
    return this.primary.executionProvider;
  }

  /** Bytes onnxruntime-node copies out per step in `runSteps`: the carried state once per run, and every metric. */
  get bytesCopiedPerStep(): number {
    const metricBytes = Object.keys(this.step.layout.metricOutputs).length * bytesPerElement(this.step.layout.floatType);
    return stateBytes(this.step.layout.states) / (this.chainedSteps ?? 1) + metricBytes;
  }

  /** Runs one step with the given batch inputs and learning rate; returns the metrics. */
  async runStep(batch: Record<string, OrtTensor>, learningRate: number): Promise<StepMetrics> {
    this.singleSession ??= StepSession.create(this.step.model, this.sessionOptions);
    const session = await this.singleSession;
    return (await this.runChain(session, [batch], [learningRate], false))[0];
  }

  /**
   * Runs one step per batch, in order, with the learning rate of the same
   * index; returns the metrics of each step. Groups of `stepsPerRun` batches
   * go through one run of the chained graph and the rest run one by one. The
   * tests check that this gives bitwise the same states as runStep for each
   * batch. Batches must not share buffers that the caller overwrites between them.
   */
  async runSteps(batches: readonly Record<string, OrtTensor>[], learningRates: readonly number[]): Promise<StepMetrics[]> {
    if (batches.length !== learningRates.length) {
      throw new ValidationError(`runSteps got ${batches.length} batches but ${learningRates.length} learning rates; pass one learning rate per batch.`);
    }
    const metrics: StepMetrics[] = [];
    const steps = this.chainedSteps ?? 1;
    let next = 0;
    while (steps > 1 && batches.length - next >= steps) {
      metrics.push(...(await this.runChain(this.primary, batches.slice(next, next + steps), learningRates.slice(next, next + steps), true)));
      next += steps;
    }
    for (; next < batches.length; next++) metrics.push(await this.runStep(batches[next], learningRates[next]));
    return metrics;
  }

  /** Runs `batches.length` steps in one session run, of the chained graph or of the single-step graph. */
  private async runChain(session: StepSession, batches: readonly Record<string, OrtTensor>[], learningRates: readonly number[], chained: boolean): Promise<StepMetrics[]> {
    const { layout } = this.step;
    const scalar = (value: number) => createTensor(layout.floatType, layout.floatType === 'float64' ? new Float64Array([value]) : new Float32Array([value]), []);

    const feeds: Record<string, OrtTensor> = {};
    for (const [name, tensor] of this.states) feeds[name] = tensor;
    batches.forEach((batch, i) => {
      this.requireBatchInputs(batch);
      for (const input of layout.batchInputs) feeds[stepValueName(input.name, i, chained)] = batch[input.name];
      feeds[stepValueName(learningRateInput, i, chained)] = scalar(learningRates[i]);
      feeds[stepValueName(stepInput, i, chained)] = scalar(this.stepCount + i + 1);
    });

    const outputs = await session.run(feeds);
    for (const state of layout.states) this.states.set(state.name, outputs[state.outputName]);
    this.stepCount += batches.length;

    return batches.map((_, i) => {
      const metrics: StepMetrics = {};
      for (const [name, output] of Object.entries(layout.metricOutputs)) metrics[name] = Number(outputs[stepValueName(output, i, chained)].data[0]);
      return metrics;
    });
  }

  private requireBatchInputs(batch: Record<string, OrtTensor>): void {
    for (const input of this.step.layout.batchInputs) {
      if (!(input.name in batch)) {
        throw new ValidationError(`The training step needs input "${input.name}" (${input.dtype} [${input.shape.join(', ')}]) but the batch lacks it.`);
      }
    }
  }

  /** Current value of every parameter and buffer (optimizer state included), by name. */
  stateValues(kind?: CarriedState['kind']): Map<string, Float32Array | Float64Array> {
    const values = new Map<string, Float32Array | Float64Array>();
    for (const state of this.step.layout.states) {
      if (kind && state.kind !== kind) continue;
      values.set(state.name, this.states.get(state.name)!.data as Float32Array | Float64Array);
    }
    return values;
  }

  /** Writes all carried state, the step count and the generator state to a safetensors file. */
  async saveCheckpoint(path: string, metadata: Record<string, string> = {}): Promise<void> {
    const tensors: NamedTensor[] = this.step.layout.states.map((state) => ({
      name: state.name,
      shape: state.shape,
      data: this.states.get(state.name)!.data as Float32Array | Float64Array,
    }));
    const header = { ...metadata, format: checkpointFormat, step: String(this.stepCount), random_state: String(this.random.state) };
    await writeSafetensors(path, { tensors, metadata: header });
    log.info('checkpoint written', { path, step: this.stepCount });
  }

  /** Restores a checkpoint written by saveCheckpoint for the same step graph. */
  async loadCheckpoint(path: string): Promise<Record<string, string>> {
    const file = await readSafetensors(path);
    if (file.metadata.format !== checkpointFormat) {
      throw new ValidationError(`${path} is not a training checkpoint (format "${file.metadata.format ?? 'missing'}", expected "${checkpointFormat}").`);
    }
    const byName = new Map(file.tensors.map((tensor) => [tensor.name, tensor]));
    for (const state of this.step.layout.states) {
      const stored = storedValues(byName, state.name);
      if (!stored || stored.length !== state.initialValue.length || stored.constructor !== state.initialValue.constructor) {
        throw new ValidationError(`Checkpoint ${path} has no ${state.dtype} tensor "${state.name}" of shape [${state.shape.join(', ')}]; it belongs to another model.`);
      }
      this.states.set(state.name, createTensor(state.dtype, stored as Float32Array | Float64Array, state.shape));
    }
    this.stepCount = Number(file.metadata.step);
    this.random.state = Number(file.metadata.random_state);
    log.info('checkpoint loaded', { path, step: this.stepCount });
    return file.metadata;
  }

  async release(): Promise<void> {
    const single = await this.singleSession;
    if (single && single !== this.primary) await single.release();
    await this.primary.release();
  }
}

/**
 * Returns the stored values of a state: its own tensor or, failing that, its
 * row blocks '<name>/0', '<name>/1', ... joined in order. AdamW once kept the
 * moments of large parameters in row blocks by default, so checkpoints written
 * then still resume with whole-tensor moments.
 */
function storedValues(byName: ReadonlyMap<string, NamedTensor>, name: string): NamedTensor['data'] | undefined {
  const whole = byName.get(name);
  if (whole) return whole.data;

  const blocks: NamedTensor['data'][] = [];
  for (let index = 0; byName.has(`${name}/${index}`); index++) blocks.push(byName.get(`${name}/${index}`)!.data);
  if (blocks.length === 0 || blocks.some((block) => block.constructor !== blocks[0].constructor)) return undefined;

  const ArrayType = blocks[0].constructor as new (length: number) => NamedTensor['data'];
  const joined = new ArrayType(blocks.reduce((total, block) => total + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    (joined as Float32Array).set(block as Float32Array, offset);
    offset += block.length;
  }
  return joined;
}

function stateBytes(states: readonly CarriedState[]): number {
  return states.reduce((total, state) => total + state.initialValue.byteLength, 0);
}
