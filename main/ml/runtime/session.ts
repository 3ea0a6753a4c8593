import { readFile } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import type { TensorDeclaration } from '../../api/schemas';
import { InternalError, NotFoundError, NotSupportedError, ShapeError, ValidationError } from '../../errors';
import { createLogger } from '../../log';
import { flushDenormalWeights } from './denormal-weights';
import { cudaInstallHint, resolveExecutionProvider, type ExecutionProvider } from './execution-providers';
import { fromOrtTensor, toOrtTensor, type HostTensor } from './host-tensor';

const log = createLogger('Runtime');

export interface SessionOptions {
  provider: ExecutionProvider;
  /** Threads one run may use; onnxruntime picks one per physical core when unset. */
  intraOpThreads?: number;
  /** Zero denormal float32 weights before loading (see denormal-weights.ts). Defaults to true. */
  flushDenormals?: boolean;
  /** Name of a model given as bytes in error messages, such as the file it was read from. */
  label?: string;
  /**
   * Whether idle pool threads spin while waiting for work (onnxruntime's default). Turn it off
   * when JavaScript on the same cores must run between `run` calls.
   */
  allowSpinning?: boolean;
}

/**
 * One loaded ONNX model. `run` executes synchronously on the calling thread
 * once it starts (onnxruntime-node 1.31 defers it by one event-loop turn and
 * then blocks), so batch work belongs in a worker thread.
 */
export interface ModelSession {
  readonly provider: ExecutionProvider;
  readonly inputs: TensorDeclaration[];
  readonly outputs: TensorDeclaration[];
  run(feeds: Record<string, HostTensor>, outputNames?: readonly string[]): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export async function createSession(model: string | Uint8Array, options: SessionOptions): Promise<ModelSession> {
  const label = typeof model === 'string' ? model : (options.label ?? `an in-memory model of ${model.byteLength} bytes`);
  const bytes = await prepareModelBytes(model, label, options.flushDenormals ?? true);
  if (options.provider === 'cuda') resolveExecutionProvider('cuda');

  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, {
      executionProviders: [options.provider],
      ...(options.intraOpThreads === undefined ? {} : { intraOpNumThreads: options.intraOpThreads }),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Warnings such as unused initializers would go straight to stderr, while errors still throw.
      logSeverityLevel: 3,
      ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    });
  } catch (error) {
    throw sessionCreationError(label, options.provider, error);
  }

  return wrapSession(session, options.provider, label);
}

async function prepareModelBytes(model: string | Uint8Array, label: string, flushDenormals: boolean): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof model === 'string') {
    try {
      bytes = await readFile(model);
    } catch (error) {
      throw new NotFoundError(`Cannot read the model file ${model}: ${(error as Error).message}. Check the path.`, { cause: error });
    }
  } else {
    bytes = model;
  }
  if (!flushDenormals) return bytes;

  try {
    const { bytes: flushed, flushedWeights } = flushDenormalWeights(bytes);
    if (flushedWeights > 0) log.debug('flushed denormal weights to zero', { model: label, flushedWeights });
    return flushed;
  } catch (error) {
    // A file that is not valid protobuf: let onnxruntime produce the load error for it.
    log.debug('skipped denormal flush of unparsable model', { model: label, error });
    return bytes;
  }
}

function sessionCreationError(label: string, provider: ExecutionProvider, error: unknown): Error {
  // onnxruntime-node rejects bad session options with a TypeError: a bug here, not a bad file.
  if (error instanceof TypeError) return new InternalError(`Invalid onnxruntime session options for ${label}: ${error.message}`, { cause: error });

  const detail = trimPeriod(error instanceof Error ? error.message : String(error));
  if (provider === 'cuda') {
    return new NotSupportedError(`The CUDA execution provider failed to load ${label}: ${detail}. ${cudaInstallHint}`, { cause: error });
  }
  return new ValidationError(
    `Cannot load ${label} as an ONNX model: ${detail}. Check that the file is an ONNX model that onnxruntime 1.31 can load.`,
    { cause: error },
  );
}

function wrapSession(session: InferenceSession, provider: ExecutionProvider, label: string): ModelSession {
  const inputs = session.inputMetadata.map(toDeclaration);
  const outputs = session.outputMetadata.map(toDeclaration);

  return {
    provider,
    inputs,
    outputs,
    async run(feeds, outputNames) {
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, toOrtTensor(tensor)]));

      let results: InferenceSession.ReturnType;
      try {
        results = outputNames ? await session.run(ortFeeds, [...outputNames]) : await session.run(ortFeeds);
      } catch (error) {
        throw new ShapeError(`Running ${label} failed: ${trimPeriod((error as Error).message)}. Check the input names, shapes and types against the model's declarations.`, {
          cause: error,
        });
      }

      const hostResults: Record<string, HostTensor> = {};
      for (const [name, tensor] of Object.entries(results)) hostResults[name] = fromOrtTensor(name, tensor);
      return hostResults;
    },
    release: () => session.release(),
  };
}

function toDeclaration(metadata: InferenceSession.ValueMetadata): TensorDeclaration {
  if (!metadata.isTensor) return { name: metadata.name, type: 'non-tensor', shape: [] };
  return { name: metadata.name, type: metadata.type, shape: [...metadata.shape] };
}

function trimPeriod(message: string): string {
  return message.trim().replace(/\.+$/, '');
}
