import { open } from 'node:fs/promises';
import { DatasetFormatError, NotFoundError, ShapeError, ValidationError } from '../../errors';
import { formatShape, sameShape } from '../graph/dims';
import { createLogger } from '../../log';
import { readOnnxInitializers } from './onnx-initializers';
import { SafetensorsSlices, type Float32Tensor } from './safetensors-slices';
import type { TextEncoderWeights, TextTransformerOptions } from './text-transformer';

const log = createLogger('ClipWeights');

/** Channels per attention head in OpenAI's CLIP text encoders (width 512 with 8 heads, 768 with 12). */
const clipHeadWidth = 64;

const fixHint = 'Pick a Hugging Face CLIP checkpoint (such as model.safetensors of openai/clip-vit-base-patch16) or an ONNX file whose initializers use the Hugging Face CLIP names.';

export interface ClipTextWeights extends TextEncoderWeights {
  /** Encoder options read from the tensor shapes. */
  options: TextTransformerOptions;
}

export interface LoadClipTextOptions {
  /** Attention heads. The default, width / 64 as in OpenAI's CLIP, needs a width that is a multiple of 64. */
  heads?: number;
}

/** Lists every tensor name and shape of a Hugging Face CLIP text encoder with these options, in PyTorch layout. */
export function clipTextTensorShapes(options: TextTransformerOptions): { name: string; shape: number[] }[] {
  const { width } = options;
  const linear = (name: string, inFeatures: number, outFeatures: number) => [
    { name: `${name}.weight`, shape: [outFeatures, inFeatures] },
    { name: `${name}.bias`, shape: [outFeatures] },
  ];
  const norm = (name: string) => linear(name, width, width).map(({ name: tensorName }) => ({ name: tensorName, shape: [width] }));

  const shapes = [
    { name: 'text_model.embeddings.token_embedding.weight', shape: [options.vocabularySize, width] },
    { name: 'text_model.embeddings.position_embedding.weight', shape: [options.contextLength, width] },
  ];
  for (let layer = 0; layer < options.layers; layer++) {
    const prefix = `text_model.encoder.layers.${layer}`;
    for (const projection of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) shapes.push(...linear(`${prefix}.self_attn.${projection}`, width, width));
    shapes.push(...norm(`${prefix}.layer_norm1`), ...norm(`${prefix}.layer_norm2`));
    shapes.push(...linear(`${prefix}.mlp.fc1`, width, 4 * width), ...linear(`${prefix}.mlp.fc2`, 4 * width, width));
  }
  shapes.push(...norm('text_model.final_layer_norm'));
  shapes.push({ name: 'text_projection.weight', shape: [options.outputWidth, width] });
  return shapes;
}

/** Tensor shapes by name and a way to read one tensor, whatever the file format. */
interface WeightSource {
  shapes: Map<string, number[]>;
  read(name: string): Promise<Float32Tensor | undefined>;
  close(): Promise<void>;
}

/**
 * Loads the text encoder of a CLIP checkpoint: a safetensors file (F32, F16
 * or BF16) or an ONNX model whose initializers carry the Hugging Face names.
 * Infers the options from the tensor shapes and checks every tensor before
 * returning.
 */
export async function loadClipTextWeights(path: string, loadOptions: LoadClipTextOptions = {}): Promise<ClipTextWeights> {
  const source = (await isSafetensors(path)) ? await safetensorsSource(path) : await onnxSource(path);
  try {
    const options = checkTextShapes(path, source.shapes, loadOptions);
    const tensors = new Map<string, Float32Tensor>();
    for (const { name } of clipTextTensorShapes(options)) tensors.set(name, (await source.read(name))!);

    log.info('CLIP text weights loaded', { path, tensors: tensors.size, ...options });
    return { options, get: (name) => tensors.get(name) };
  } finally {
    await source.close();
  }
}

/**
 * Checks from the header alone that a safetensors file lists every text
 * tensor of a CLIP checkpoint with a consistent shape. Reads a few kilobytes
 * however large the file is. Leaves out the head count, which the shapes do
 * not fix. Throws DatasetFormatError when the file is empty or not
 * safetensors, and the errors of loadClipTextWeights for a missing or
 * misshapen tensor.
 */
export async function checkClipTextHeader(path: string): Promise<void> {
  if (!(await isSafetensors(path))) throw new DatasetFormatError(`${path} ${await describeNonSafetensors(path)}. ${fixHint}`);

  const file = await SafetensorsSlices.open(path);
  try {
    checkTextShapes(path, file.shapes(), { heads: 1 });
  } finally {
    await file.close();
  }
}

function checkTextShapes(path: string, shapes: Map<string, number[]>, loadOptions: LoadClipTextOptions): TextTransformerOptions {
  const options = inferOptions(path, shapes, loadOptions);
  for (const expected of clipTextTensorShapes(options)) {
    const actual = shapes.get(expected.name);
    if (!actual) throw new DatasetFormatError(`${path} lacks tensor "${expected.name}" (expected shape ${formatShape(expected.shape)}). ${fixHint}`);
    if (!sameShape(actual, expected.shape)) {
      throw new ShapeError(`Tensor "${expected.name}" in ${path} has shape ${formatShape(actual)} but ${formatShape(expected.shape)} is expected for a text encoder of width ${options.width}. ${fixHint}`);
    }
  }
  return options;
}

/** Describes a file that is not safetensors by its size and first bytes, which name most formats (ff d8 ff is a JPEG, 3c is HTML). */
async function describeNonSafetensors(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return 'is empty';
    const start = Buffer.alloc(Math.min(size, 8));
    await handle.read(start, 0, start.length, 0);
    const hex = [...start].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    return `is not a safetensors file: it has ${size} bytes starting with ${hex}`;
  } finally {
    await handle.close();
  }
}

function inferOptions(path: string, shapes: Map<string, number[]>, loadOptions: LoadClipTextOptions): TextTransformerOptions {
  const shapeOf = (name: string, rank: number): number[] => {
    const shape = shapes.get(name);
    if (!shape) throw new DatasetFormatError(`${path} lacks tensor "${name}", so it is not a CLIP text checkpoint in the Hugging Face layout. ${fixHint}`);
    if (shape.length !== rank) throw new ShapeError(`Tensor "${name}" in ${path} has shape ${formatShape(shape)}; expected a rank-${rank} tensor. ${fixHint}`);
    return shape;
  };
  const [vocabularySize, width] = shapeOf('text_model.embeddings.token_embedding.weight', 2);
  const [contextLength] = shapeOf('text_model.embeddings.position_embedding.weight', 2);
  const [outputWidth] = shapeOf('text_projection.weight', 2);

  let layers = 0;
  for (const name of shapes.keys()) {
    const match = /^text_model\.encoder\.layers\.(\d+)\./.exec(name);
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }

  const heads = loadOptions.heads ?? width / clipHeadWidth;
  if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
    throw new ValidationError(`Cannot infer the attention heads of ${path}: width ${width} is not a multiple of ${clipHeadWidth}; pass the head count explicitly.`);
  }
  return { vocabularySize, contextLength, width, layers: Math.max(layers, 1), heads, outputWidth };
}

/** Tells safetensors from ONNX by the first bytes: a little-endian header length that fits the file, then '{'. */
async function isSafetensors(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new NotFoundError(`Cannot open the weights file ${path}: ${(error as Error).message}. Check the path.`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    const start = Buffer.alloc(9);
    const { bytesRead } = await handle.read(start, 0, 9, 0);
    return bytesRead === 9 && 8 + Number(start.readBigUInt64LE(0)) <= size && start[8] === '{'.charCodeAt(0);
  } finally {
    await handle.close();
  }
}

async function safetensorsSource(path: string): Promise<WeightSource> {
  const file = await SafetensorsSlices.open(path);
  return { shapes: file.shapes(), read: (name) => file.read(name), close: () => file.close() };
}

async function onnxSource(path: string): Promise<WeightSource> {
  const tensors = await readOnnxInitializers(path);
  const shapes = new Map([...tensors].map(([name, tensor]) => [name, tensor.shape]));
  return { shapes, read: async (name) => tensors.get(name), close: async () => {} };
}
