import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { DatasetFormatError, NotFoundError, ShapeError, serializeError } from '../../errors';
import { createLogger } from '../../log';
import { createSession, float32Tensor, type ModelSession, type ModuleWorkerData } from '../runtime';
import { decodeImage, type DecodedImage } from './preprocess';
import { resampleToNchw } from './resample';
import { loadWasmJpegDecoder, type WasmJpegDecoder } from './wasm-jpeg';
import type { EmbedRequest, EmbeddingWorkerSetup, ImageSource, WorkerReply } from './worker-protocol';

/**
 * Worker thread of the embedding pool: decodes, resizes and normalises
 * images, then runs the model on them. Plain RGB JPEGs in the common layouts
 * are decoded on this thread by the WebAssembly decoder when their request
 * arrives. Other images go to sharp, which decodes on libuv's thread pool
 * while this thread runs the model on the request before. Resizing runs on
 * this thread between runs.
 */

const log = createLogger('EmbeddingWorker');
const port = parentPort!;
const setup = (workerData as ModuleWorkerData<EmbeddingWorkerSetup>).data;
const { card } = setup;
const imageSize = 3 * card.height * card.width;

// One libvips thread per image: the pool already runs one worker per core, and
// libvips' own threads only add contention on images this small.
sharp.concurrency(1);
// Every image is read once, so libvips' operation cache would only hold memory.
sharp.cache(false);

/** A preprocessing error tied to the position of its image in the request. */
class SourceFailure extends Error {
  constructor(
    readonly sourceIndex: number,
    readonly failure: Error,
  ) {
    super(failure.message);
  }
}

let session: ModelSession;
/** The fast path for plain JPEGs, or null when it failed to load and sharp decodes every image. */
let jpegDecoder: WasmJpegDecoder | null = null;
let inferenceChain: Promise<void> = Promise.resolve();

void start();

async function start(): Promise<void> {
  try {
    session = await createSession(setup.modelBytes, { provider: setup.provider, intraOpThreads: setup.intraOpThreads, label: setup.modelLabel });
    jpegDecoder = await loadOptionalJpegDecoder();
    reply({ kind: 'ready' });
  } catch (error) {
    reply({ kind: 'startFailed', error: serializeError(error) });
  }
}

/** Loads the WebAssembly decoder, which only speeds decoding up, so a failure leaves every image to sharp. */
async function loadOptionalJpegDecoder(): Promise<WasmJpegDecoder | null> {
  try {
    return await loadWasmJpegDecoder();
  } catch (error) {
    log.warn('the WebAssembly JPEG decoder failed to load, so sharp decodes every image', { modelLabel: setup.modelLabel, error });
    return null;
  }
}

port.on('message', (request: EmbedRequest) => {
  const inputs = preprocessBatch(request.sources, request.expectedHashes);
  // The failure is reported when the request's turn comes. This only keeps it from counting as unhandled.
  inputs.catch(() => {});
  inferenceChain = inferenceChain.then(() => answer(request, inputs));
});

async function answer(request: EmbedRequest, inputs: Promise<Float32Array>): Promise<void> {
  try {
    const features = await infer(await inputs, request.sources.length);
    reply({ kind: 'embedded', requestId: request.requestId, features }, [features.buffer as ArrayBuffer]);
  } catch (error) {
    const sourceIndex = error instanceof SourceFailure ? error.sourceIndex : null;
    const cause = error instanceof SourceFailure ? error.failure : error;
    reply({ kind: 'failed', requestId: request.requestId, sourceIndex, error: serializeError(cause) });
  }
}

async function preprocessBatch(sources: ImageSource[], expectedHashes: (string | null)[] = []): Promise<Float32Array> {
  const batch = new Float32Array(sources.length * imageSize);
  await Promise.all(
    sources.map(async (source, index) => {
      let bytes: Uint8Array;
      try {
        bytes = readSource(source);
      } catch (error) {
        throw new SourceFailure(index, error as Error);
      }
      const expectedHash = expectedHashes[index];
      if (expectedHash && createHash('sha256').update(bytes).digest('hex') !== expectedHash) {
        throw new SourceFailure(
          index,
          new DatasetFormatError(`The image file ${String(source)} changed since it was imported (its content hash differs). Import the dataset again to pick up the change.`),
        );
      }

      let decoded: DecodedImage;
      try {
        decoded = jpegDecoder?.decode(bytes) ?? (await decodeImage(bytes));
      } catch (error) {
        throw new SourceFailure(index, describeDecodeFailure(source, error));
      }
      resampleToNchw(decoded.pixels, decoded.width, decoded.height, card, batch, index * imageSize);
    }),
  );
  return batch;
}

/**
 * Reads an image file on this thread. A synchronous read of a crop of a few
 * kilobytes costs less than handing the path to sharp, which opens the file
 * on libuv's thread pool: 0.09 ms less CPU time per Duke crop (2-core Xeon).
 */
function readSource(source: ImageSource): Uint8Array {
  if (typeof source !== 'string') return source;
  try {
    return readFileSync(source);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`The image file ${source} is missing. Restore it or import the dataset again.`);
    throw error;
  }
}

/** Runs the model in batches of the declared size (zero-padding the last one) or all images at once when the batch is symbolic. */
async function infer(batch: Float32Array, count: number): Promise<Float32Array> {
  const dimension = setup.featureDimension;
  const step = setup.fixedBatch ?? count;
  const features = new Float32Array(count * dimension);

  for (let start = 0; start < count; start += step) {
    const size = Math.min(step, count - start);
    let data = batch.subarray(start * imageSize, (start + size) * imageSize);
    if (size < step) {
      const padded = new Float32Array(step * imageSize);
      padded.set(data);
      data = padded;
    }

    const input = float32Tensor(data, [step, 3, card.height, card.width]);
    const outputs = await session.run({ [card.inputName]: input }, [card.outputName]);
    const output = outputs[card.outputName];
    if (output.type !== 'float32' || output.data.length !== step * dimension) {
      throw new ShapeError(
        `The model output "${card.outputName}" returned ${output.data.length} ${output.type} values for a batch of ${step}, but ${step} x ${dimension} float32 values were expected.`,
      );
    }
    features.set(output.data.subarray(0, size * dimension), start * dimension);
  }
  return features;
}

function describeDecodeFailure(source: ImageSource, error: unknown): Error {
  if (error instanceof NotFoundError) return error;
  // libvips repeats its decoder warnings on further lines, so only the first line names the failure.
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const name = typeof source === 'string' ? source : `the image of ${source.byteLength} bytes`;
  if (detail.includes('Input file is missing')) return new NotFoundError(`The image file ${name} is missing. Restore it or import the dataset again.`);
  return new DatasetFormatError(`Cannot decode ${name}: ${detail}. Replace the file with a valid JPEG or PNG image.`);
}

function reply(message: WorkerReply, transferList: ArrayBuffer[] = []): void {
  port.postMessage(message, transferList);
}
