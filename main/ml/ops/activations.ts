import { ShapeError, ValidationError } from '../../errors';
import { broadcastShapes } from '../graph/dims';
import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireFloat, requireSameDtype } from './apply';
import { less, where } from './comparison';
import { add, mul, sub } from './elementwise-binary';
import { erf, exp, tanh } from './elementwise-unary';
import { emitErfNode } from './erf-node';
import type { OpDefinition } from './op-definition';

const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);
const tanhCubicCoefficient = 0.044715;
/** Slope inside the sigmoid of QuickGELU, as in OpenAI's CLIP. */
const quickGeluSlope = 1.702;

/** Adds one node with a fresh output name and returns that name. */
function node(graph: GraphBuilder, opType: string, inputs: string[], output = graph.temporaryName(opType.toLowerCase())): string {
  graph.addNode(opType, inputs, [output], {});
  return output;
}

export interface GeluAttributes {
  /** 'none' is the exact x * Phi(x); 'tanh' the tanh approximation of the GPT-2 and BERT code. */
  approximate: 'none' | 'tanh';
}

/** GELU composed from Erf or Tanh, because the ONNX Gelu op needs opset 20. */
export const geluDefinition: OpDefinition<GeluAttributes> = {
  type: 'Gelu',
  inferOutputs([x]) {
    requireFloat('Gelu', x!);
    return [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  emit({ graph, inputs, outputs, attributes }) {
    const x = inputs[0]!;
    const scalar = (value: number) => graph.scalar(value, x.dtype).name;
    let inner: string;
    if (attributes.approximate === 'none') {
      inner = graph.temporaryName('erf');
      emitErfNode(graph, node(graph, 'Mul', [x.name, scalar(Math.SQRT1_2)]), inner, x.dtype);
    } else {
      const cube = node(graph, 'Mul', [node(graph, 'Mul', [x.name, x.name]), x.name]);
      const polynomial = node(graph, 'Add', [x.name, node(graph, 'Mul', [cube, scalar(tanhCubicCoefficient)])]);
      inner = node(graph, 'Tanh', [node(graph, 'Mul', [polynomial, scalar(sqrtTwoOverPi)])]);
    }
    const scaled = node(graph, 'Mul', [x.name, node(graph, 'Add', [inner, scalar(1)])]);
    node(graph, 'Mul', [scaled, scalar(0.5)], outputs[0].name);
  },
  gradient({ inputs, outputGradients, attributes }) {
    const x = inputs[0]!;
    const g = outputGradients[0]!;
    return [mul(g, attributes.approximate === 'none' ? exactGeluDerivative(x) : tanhGeluDerivative(x))];
  },
};

// d/dx x Phi(x) = Phi(x) + x phi(x), with phi the standard normal density.
function exactGeluDerivative(x: Tensor): Tensor {
  const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
  const density = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return add(cdf, mul(x, density));
}

// With u = c (x + k x^3) and t = tanh(u): 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2).
function tanhGeluDerivative(x: Tensor): Tensor {
  const square = mul(x, x);
  const t = tanh(mul(add(x, mul(mul(square, x), tanhCubicCoefficient)), sqrtTwoOverPi));
  const du = mul(add(mul(square, 3 * tanhCubicCoefficient), 1), sqrtTwoOverPi);
  return add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(t, t))), du));
}

/** x * sigmoid(1.702 x); the sigmoid is a second, hidden output kept for the gradient. */
export const quickGeluDefinition: OpDefinition = {
  type: 'QuickGelu',
  inferOutputs([x]) {
    requireFloat('QuickGelu', x!);
    return [
      { dtype: x!.dtype, shape: [...x!.shape] },
      { dtype: x!.dtype, shape: [...x!.shape] },
    ];
  },
  emit({ graph, inputs, outputs }) {
    const x = inputs[0]!;
    const scaled = node(graph, 'Mul', [x.name, graph.scalar(quickGeluSlope, x.dtype).name]);
    node(graph, 'Sigmoid', [scaled], outputs[1].name);
    node(graph, 'Mul', [x.name, outputs[1].name], outputs[0].name);
  },
  // dy/dx = s + 1.702 x s (1 - s) = s (1 + 1.702 x (1 - s)).
  gradient({ inputs, outputs, outputGradients }) {
    const x = inputs[0]!;
    const s = outputs[1];
    const g = outputGradients[0];
    if (!g) return [undefined];
    return [mul(g, mul(s, add(mul(mul(x, quickGeluSlope), sub(1, s)), 1)))];
  },
};

export interface ClipAttributes {
  min?: number;
  max?: number;
}

export const clipDefinition: OpDefinition<ClipAttributes> = {
  type: 'Clip',
  inferOutputs([x]) {
    requireFloat('Clip', x!);
    return [{ dtype: x!.dtype, shape: [...x!.shape] }];
  },
  emit: (context) => emitNode(context, 'Clip'),
  // Zero outside [min, max]; at the bounds the gradient passes, as in PyTorch.
  gradient({ inputs, outputGradients }) {
    const [x, min, max] = inputs;
    let g = outputGradients[0]!;
    if (max) g = where(less(max, x!), 0, g);
    if (min) g = where(less(x!, min), 0, g);
    return [g, undefined, undefined];
  },
};

export interface DropoutAttributes {
  ratio: number;
}

/**
 * Inverted dropout with the keep mask as an input (1 keeps, 0 drops): the
 * caller draws it from a seeded generator, so a run is reproducible and a
 * resumed run draws the same masks. ONNX Dropout's own seed is not used
 * because onnxruntime advances its generator per run inside the session.
 */
export const dropoutDefinition: OpDefinition<DropoutAttributes> = {
  type: 'Dropout',
  inferOutputs([x, mask], { ratio }) {
    requireSameDtype('Dropout', [x, mask]);
    if (!(ratio >= 0 && ratio < 1)) throw new ValidationError(`Dropout ratio ${ratio} is invalid; expected a value in [0, 1).`);
    const shape = broadcastShapes(x!.shape, mask!.shape, 'Dropout');
    if (shape.length !== x!.rank || shape.some((dim, i) => dim !== x!.shape[i])) {
      throw new ShapeError(`Dropout: mask ${mask!.name} would broadcast ${x!.name} to a larger shape; expected a mask that broadcasts to [${x!.shape.join(', ')}].`);
    }
    return [{ dtype: x!.dtype, shape }];
  },
  emit({ graph, inputs, outputs, attributes }) {
    const [x, mask] = inputs as Tensor[];
    const kept = node(graph, 'Mul', [x.name, mask.name]);
    node(graph, 'Mul', [kept, graph.scalar(1 / (1 - attributes.ratio), x.dtype).name], outputs[0].name);
  },
  gradient({ inputs, outputGradients, attributes }) {
    const mask = inputs[1]!;
    return [mul(mul(outputGradients[0]!, mask), 1 / (1 - attributes.ratio)), undefined];
  },
};

export function gelu(x: Tensor, approximate: GeluAttributes['approximate'] = 'none'): Tensor {
  return applyOp(geluDefinition, [x], { approximate })[0];
}

export function quickGelu(x: Tensor): Tensor {
  return applyOp(quickGeluDefinition, [x], {})[0];
}

export function clip(x: Tensor, min?: number, max?: number): Tensor {
  const minTensor = min === undefined ? undefined : x.graph.scalar(min, x.dtype);
  const maxTensor = max === undefined ? undefined : x.graph.scalar(max, x.dtype);
  return applyOp(clipDefinition, [x, minTensor, maxTensor], { min, max })[0];
}

/** Inverted dropout; `mask` contains 1 for kept and 0 for dropped elements and broadcasts to x. */
export function dropout(x: Tensor, mask: Tensor, ratio: number): Tensor {
  return applyOp(dropoutDefinition, [x, mask], { ratio })[0];
}
