import { ShapeError } from '../../errors';
import { createSession, float32Tensor, type ExecutionProvider, type ModelSession } from '../runtime';

/** Rows per head run, so a large gallery never needs one huge input tensor; about 1 MiB of float32 input at width 256. */
const rowsPerRun = 1024;

/** A trained run's image head: maps frozen-encoder features [n, featureWidth] to 'embedding' and 'joint'. */
export interface ImageHead {
  session: ModelSession;
  /** Name of the head's one input, read from the ONNX file because the trainer chooses it. */
  inputName: string;
}

/** Opens an image head from its ONNX file or bytes; `label` names it in errors. */
export async function openImageHead(model: string | Uint8Array, provider: ExecutionProvider, label = typeof model === 'string' ? model : 'the image head'): Promise<ImageHead> {
  const session = await createSession(model, { provider, label });
  if (session.inputs.length !== 1) {
    const names = session.inputs.map((input) => input.name).join(', ');
    await session.release();
    throw new ShapeError(`The image head ${label} declares ${session.inputs.length} inputs (${names}), but it should take one frozen-feature input. Train the run again.`);
  }
  return { session, inputName: session.inputs[0].name };
}

/**
 * Runs the head over row-major frozen features and returns one output,
 * row-major, with its width.
 */
export async function runImageHead(head: ImageHead, features: Float32Array, featureWidth: number, outputName: 'embedding' | 'joint'): Promise<{ width: number; values: Float32Array }> {
  const rows = features.length / featureWidth;
  const chunks: Float32Array[] = [];
  let width = 0;

  for (let start = 0; start < rows; start += rowsPerRun) {
    const count = Math.min(rowsPerRun, rows - start);
    const input = features.slice(start * featureWidth, (start + count) * featureWidth);
    const result = await head.session.run({ [head.inputName]: float32Tensor(input, [count, featureWidth]) }, [outputName]);
    const output = result[outputName];
    if (output.type !== 'float32' || output.dims.length !== 2 || output.dims[0] !== count) {
      throw new ShapeError(`The image head returned "${outputName}" of type ${output.type} and shape [${output.dims.join(', ')}], but [${count}, width] float32 was expected.`);
    }
    width = output.dims[1];
    chunks.push(output.data as Float32Array);
  }

  const values = new Float32Array(rows * width);
  chunks.forEach((chunk, index) => values.set(chunk, index * rowsPerRun * width));
  return { width, values };
}
