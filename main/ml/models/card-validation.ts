import type { ModelCard, TensorDeclaration } from '../../api/schemas';
import { ValidationError } from '../../errors';

export interface DeclaredTensors {
  inputs: TensorDeclaration[];
  outputs: TensorDeclaration[];
}

/** Facts about a validated model that the embedding job needs besides its card. */
export interface ModelShape {
  /** Batch size the input declares, or null when the batch dimension is symbolic. */
  fixedBatch: number | null;
  /** Product of the output's non-batch dimensions. */
  featureDimension: number;
}

/**
 * Checks a model card against the tensors an ONNX file declares and throws a
 * ValidationError naming the first card field that contradicts the file.
 * Symbolic dimensions accept any card value.
 */
export function validateCard(card: ModelCard, declared: DeclaredTensors): void {
  const input = findTensor(declared.inputs, card.inputName, 'inputName', 'input');
  if (declared.inputs.length !== 1) {
    const names = declared.inputs.map((tensor) => tensor.name).join(', ');
    throw new ValidationError(
      `The model declares ${declared.inputs.length} inputs (${names}), but the embedding job feeds a single image input. Export the model with "${card.inputName}" as its only input.`,
    );
  }
  validateImageInput(card, input);

  const output = findTensor(declared.outputs, card.outputName, 'outputName', 'output');
  featureDimensionOf(output);
}

/** Derives the batch and feature sizes of a model whose card passed `validateCard`. */
export function describeModelShape(card: ModelCard, declared: DeclaredTensors): ModelShape {
  const input = findTensor(declared.inputs, card.inputName, 'inputName', 'input');
  const output = findTensor(declared.outputs, card.outputName, 'outputName', 'output');
  const batch = input.shape[0];
  return { fixedBatch: typeof batch === 'number' ? batch : null, featureDimension: featureDimensionOf(output) };
}

function validateImageInput(card: ModelCard, input: TensorDeclaration): void {
  const shape = formatShape(input.shape);
  if (input.type !== 'float32') {
    throw new ValidationError(`The model input "${input.name}" has element type ${input.type}, but the embedding job feeds float32 images.`);
  }
  if (input.shape.length !== 4) {
    throw new ValidationError(
      `The model input "${input.name}" has shape ${shape} of rank ${input.shape.length}, but the card's layout ${card.layout} needs rank 4 [batch, 3, height, width].`,
    );
  }

  const [, channels, height, width] = input.shape;
  if (channels !== 3 && width === 3) {
    throw new ValidationError(
      `The model input "${input.name}" has shape ${shape}, which is NHWC, but the card's layout is ${card.layout} [batch, 3, height, width], so export the model with channels first.`,
    );
  }
  if (typeof channels === 'number' && channels !== 3) {
    throw new ValidationError(`The model input "${input.name}" has ${channels} channels (shape ${shape}), but the card's channel order ${card.channelOrder} needs 3.`);
  }
  if (typeof height === 'number' && height !== card.height) {
    throw new ValidationError(`The card's height ${card.height} contradicts the model input "${input.name}", which declares height ${height} (shape ${shape}). Set height to ${height}.`);
  }
  if (typeof width === 'number' && width !== card.width) {
    throw new ValidationError(`The card's width ${card.width} contradicts the model input "${input.name}", which declares width ${width} (shape ${shape}). Set width to ${width}.`);
  }
}

function featureDimensionOf(output: TensorDeclaration): number {
  const shape = formatShape(output.shape);
  if (output.type !== 'float32') {
    throw new ValidationError(`The model output "${output.name}" has element type ${output.type}, but embeddings are float32.`);
  }
  // A pooled CNN feature may keep its 1 x 1 spatial axes. Any other output with more axes is a feature map or an image.
  const trailingOnes = output.shape.slice(2).every((dim) => dim === 1);
  if (output.shape.length < 2 || !trailingOnes) {
    throw new ValidationError(
      `The model output "${output.name}" has shape ${shape}, but an embedding output is [batch, features] (or [batch, features, 1, 1]). Pick the output that holds the pooled feature.`,
    );
  }

  let featureDimension = 1;
  for (const dim of output.shape.slice(1)) {
    if (typeof dim !== 'number') {
      throw new ValidationError(`The model output "${output.name}" has shape ${shape} with the symbolic dimension "${dim}", but the feature dimension must be fixed.`);
    }
    featureDimension *= dim;
  }
  return featureDimension;
}

function findTensor(tensors: TensorDeclaration[], name: string, field: 'inputName' | 'outputName', kind: string): TensorDeclaration {
  const tensor = tensors.find((candidate) => candidate.name === name);
  if (tensor) return tensor;

  const names = tensors.map((candidate) => `"${candidate.name}"`).join(', ');
  throw new ValidationError(`The card's ${field} "${name}" is not an ${kind} of the model, which declares ${names}. Set ${field} to one of them.`);
}

function formatShape(shape: TensorDeclaration['shape']): string {
  return `[${shape.join(', ')}]`;
}
