import { modelCardSchema, type ModelCard, type TensorDeclaration } from '../../api/schemas';
import { AppError } from '../../errors';
import { createSession } from '../runtime';
import { validateCard, type DeclaredTensors } from './card-validation';

/** ImageNet statistics on pixels scaled to [0, 1], RGB; most ReID backbones are trained with them. */
const imageNetMean: [number, number, number] = [0.485, 0.456, 0.406];
const imageNetStd: [number, number, number] = [0.229, 0.224, 0.225];

/** Person crops in ReID are 2:1 portrait; 256 x 128 is the size torchreid and CLIP-ReID train at. */
const defaultHeight = 256;
const defaultWidth = 128;

export interface ModelInspection extends DeclaredTensors {
  proposedCard: ModelCard | null;
}

/** Reads the inputs and outputs an ONNX file declares and proposes a card for it. */
export async function inspectModel(filePath: string): Promise<ModelInspection> {
  const declared = await readDeclaredTensors(filePath);
  return { ...declared, proposedCard: proposeCard(declared) };
}

/** Loads a model (a path, or bytes read from `label`) only to read its declared inputs and outputs. */
export async function readDeclaredTensors(model: string | Uint8Array, label?: string): Promise<DeclaredTensors> {
  const session = await createSession(model, { provider: 'cpu', intraOpThreads: 1, flushDenormals: false, label });
  try {
    return { inputs: session.inputs, outputs: session.outputs };
  } finally {
    await session.release();
  }
}

/**
 * Proposes a card for a single-input NCHW float32 image model: ImageNet mean
 * and std, RGB, the declared height and width (256 x 128 where symbolic) and
 * the first float32 output. Returns null when the file is not such a model.
 */
export function proposeCard(declared: DeclaredTensors): ModelCard | null {
  if (declared.inputs.length !== 1) return null;
  const [input] = declared.inputs;
  const output = declared.outputs.find((tensor) => tensor.type === 'float32');
  if (!output || input.shape.length !== 4) return null;

  const card: ModelCard = {
    inputName: input.name,
    outputName: output.name,
    layout: 'NCHW',
    height: fixedOr(input.shape[2], defaultHeight),
    width: fixedOr(input.shape[3], defaultWidth),
    mean: [...imageNetMean] as ModelCard['mean'],
    std: [...imageNetStd] as ModelCard['std'],
    channelOrder: 'RGB',
    distance: 'euclidean',
  };

  if (!modelCardSchema.safeParse(card).success) return null;
  try {
    validateCard(card, declared);
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
  return card;
}

function fixedOr(dim: TensorDeclaration['shape'][number], fallback: number): number {
  return typeof dim === 'number' ? dim : fallback;
}
