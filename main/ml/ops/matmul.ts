import { ShapeError } from '../../errors';
import { floatAttribute, intAttribute } from '../graph/attributes';
import { broadcastShapes, formatShape, type Dim } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import { applyOp, emitNode, requireFloat, requireSameDtype } from './apply';
import { mul } from './elementwise-binary';
import type { OpDefinition } from './op-definition';
import { flattenToMatrix, reshapeLike, transposeLastTwo } from './shape-ops';
import { unbroadcast } from './unbroadcast';

/** Batched matrix product of rank >= 2 tensors; batch axes broadcast like numpy.matmul. */
export const matMulDefinition: OpDefinition = {
  type: 'MatMul',
  inferOutputs([a, b]) {
    const dtype = requireSameDtype('MatMul', [a, b]);
    requireFloat('MatMul', a!);
    if (a!.rank < 2 || b!.rank < 2) {
      throw new ShapeError(`MatMul: inputs must have rank >= 2 but got ${formatShape(a!.shape)} and ${formatShape(b!.shape)}; unsqueeze vectors first.`);
    }
    const inner = a!.shape[a!.rank - 1];
    if (inner !== b!.shape[b!.rank - 2]) {
      throw new ShapeError(`MatMul: inner dims differ, ${formatShape(a!.shape)} x ${formatShape(b!.shape)} (${inner} vs ${b!.shape[b!.rank - 2]}).`);
    }
    const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2), 'MatMul');
    return [{ dtype, shape: [...batch, a!.shape[a!.rank - 2], b!.shape[b!.rank - 1]] }];
  },
  emit: (context) => emitNode(context, 'MatMul'),
  gradient({ inputs, outputGradients, needsGradient }) {
    const [a, b] = inputs as Tensor[];
    const g = outputGradients[0]!;
    return [needsGradient[0] ? matMulGradientA(a, b, g) : undefined, needsGradient[1] ? matMulGradientB(a, b, g) : undefined];
  },
};

// dA = g B^T. A rank-2 B (a weight) lets one Gemm over all batch rows do it without transposing B.
function matMulGradientA(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (b.rank === 2) return reshapeLike(gemm(flattenToMatrix(g), b, undefined, { transB: true }), a);
  return unbroadcast(matMul(g, transposeLastTwo(b)), a.shape);
}

// dB = A^T g, summed over the batch axes that B was broadcast along.
function matMulGradientB(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (b.rank === 2) return gemm(flattenToMatrix(a), flattenToMatrix(g), undefined, { transA: true });
  return unbroadcast(matMul(transposeLastTwo(a), g), b.shape);
}

export interface GemmOptions {
  alpha?: number;
  beta?: number;
  transA?: boolean;
  transB?: boolean;
}

type GemmAttributes = Required<GemmOptions>;

/** Y = alpha A' B' + beta C on matrices, with A' and B' optionally transposed and C broadcast to [M, N]. */
export const gemmDefinition: OpDefinition<GemmAttributes> = {
  type: 'Gemm',
  inferOutputs([a, b, c], { transA, transB }) {
    const dtype = requireSameDtype('Gemm', [a, b, c]);
    requireFloat('Gemm', a!);
    if (a!.rank !== 2 || b!.rank !== 2) {
      throw new ShapeError(`Gemm: A and B must be matrices but got ${formatShape(a!.shape)} and ${formatShape(b!.shape)}.`);
    }
    const [m, innerA] = transA ? [a!.shape[1], a!.shape[0]] : [a!.shape[0], a!.shape[1]];
    const [innerB, n] = transB ? [b!.shape[1], b!.shape[0]] : [b!.shape[0], b!.shape[1]];
    if (innerA !== innerB) {
      throw new ShapeError(`Gemm: inner dims differ, A' has ${innerA} columns and B' has ${innerB} rows (transA=${transA}, transB=${transB}).`);
    }
    const shape: Dim[] = [m, n];
    if (c) broadcastShapes(shape, c.shape, 'Gemm');
    return [{ dtype, shape }];
  },
  emit(context) {
    const { alpha, beta, transA, transB } = context.attributes;
    emitNode(context, 'Gemm', {
      alpha: floatAttribute(alpha),
      beta: floatAttribute(beta),
      transA: intAttribute(transA ? 1 : 0),
      transB: intAttribute(transB ? 1 : 0),
    });
  },
  gradient({ inputs, outputGradients, needsGradient, attributes }) {
    const [a, b, c] = inputs;
    const g = outputGradients[0]!;
    return [
      needsGradient[0] ? gemmGradientA(b!, g, attributes) : undefined,
      needsGradient[1] ? gemmGradientB(a!, g, attributes) : undefined,
      c && needsGradient[2] ? unbroadcast(attributes.beta === 1 ? g : mul(g, attributes.beta), c.shape) : undefined,
    ];
  },
};

// dA' = alpha g B'^T, and dA is its transpose when transA is set.
function gemmGradientA(b: Tensor, g: Tensor, { alpha, transA, transB }: GemmAttributes): Tensor {
  if (!transA) return gemm(g, b, undefined, { alpha, transB: !transB });
  return gemm(b, g, undefined, { alpha, transA: transB, transB: true });
}

// dB' = alpha A'^T g, and dB is its transpose when transB is set.
function gemmGradientB(a: Tensor, g: Tensor, { alpha, transA, transB }: GemmAttributes): Tensor {
  if (!transB) return gemm(a, g, undefined, { alpha, transA: !transA });
  return gemm(g, a, undefined, { alpha, transA: true, transB: transA });
}

export function matMul(a: Tensor, b: Tensor): Tensor {
  return applyOp(matMulDefinition, [a, b], {})[0];
}

export function gemm(a: Tensor, b: Tensor, c?: Tensor, options: GemmOptions = {}): Tensor {
  const attributes: GemmAttributes = { alpha: 1, beta: 1, transA: false, transB: false, ...options };
  return applyOp(gemmDefinition, [a, b, c], attributes)[0];
}
