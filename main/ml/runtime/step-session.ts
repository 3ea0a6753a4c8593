/**
 * Sessions for graphs built by the training engine (training steps and exported models).
 * They keep onnxruntime tensors, so a training step's outputs feed the next step without a copy.
 */
import * as ort from 'onnxruntime-node';
import { ExternalServiceError, NotSupportedError } from '../../errors';
import { createLogger } from '../../log';
import { availableExecutionProviders } from './execution-providers';
import type { AnyTypedArray, DataType } from '../graph/dtype';

const log = createLogger('StepSession');

export type ExecutionProvider = 'cpu' | 'cuda';

export type OrtTensor = ort.Tensor;

export interface StepSessionOptions {
  /** Providers in order of preference; CPU is always appended as the fallback. */
  executionProviders?: readonly ExecutionProvider[];
  /** Threads for one op; defaults to onnxruntime's choice (one per physical core). */
  intraOpThreads?: number;
  /**
   * Whether idle pool threads spin while waiting for work (onnxruntime's
   * default). Spinning threads take cores from other busy processes, which then slow the run down.
   */
  allowSpinning?: boolean;
}

/** One onnxruntime inference session running a graph from the builder (a training step or an exported model). */
export class StepSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly executionProvider: ExecutionProvider,
  ) {}

  static async create(model: Uint8Array | string, options: StepSessionOptions = {}): Promise<StepSession> {
    const preferred = options.executionProviders ?? ['cpu'];
    for (const provider of preferred) {
      if (provider === 'cpu') break;
      if (!availableExecutionProviders().includes(provider)) {
        // Trying anyway would only make onnxruntime print a load failure for the provider library.
        log.warn('execution provider not installed, trying the next one', { provider });
        continue;
      }
      try {
        return new StepSession(await ort.InferenceSession.create(model as Uint8Array, sessionOptions(provider, options)), provider);
      } catch (error) {
        log.warn('execution provider unavailable, trying the next one', { provider, error });
      }
    }
    try {
      return new StepSession(await ort.InferenceSession.create(model as Uint8Array, sessionOptions('cpu', options)), 'cpu');
    } catch (error) {
      throw new ExternalServiceError(`onnxruntime could not load the graph: ${(error as Error).message}`, { cause: error });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the graph; feeds are wrapped without copying, and each output arrives as a new tensor. */
  async run(feeds: Record<string, OrtTensor>, outputNames?: readonly string[]): Promise<Record<string, OrtTensor>> {
    const results = outputNames ? await this.session.run(feeds, outputNames) : await this.session.run(feeds);
    return results as Record<string, OrtTensor>;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function sessionOptions(provider: ExecutionProvider, options: StepSessionOptions): ort.InferenceSession.SessionOptions {
  const result: ort.InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (options.intraOpThreads !== undefined) result.intraOpNumThreads = options.intraOpThreads;
  // onnxruntime-node 1.31 passes `extra` entries on as session config entries, despite its typings' note.
  if (options.allowSpinning === false) result.extra = { session: { intra_op: { allow_spinning: '0' } } };
  return result;
}

const ortTypes: Record<DataType, ort.Tensor.Type> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

/** Wraps a typed array as an onnxruntime tensor without copying it. */
export function createTensor(dtype: DataType, data: AnyTypedArray, dims: readonly number[]): OrtTensor {
  if (dtype === 'bool' && !(data instanceof Uint8Array)) {
    throw new NotSupportedError('A bool tensor needs a Uint8Array of 0 and 1 values.');
  }
  return new ort.Tensor(ortTypes[dtype], data as never, dims);
}
