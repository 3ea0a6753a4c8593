/** The op functions used to build models, losses and optimizers. */
export { clip, dropout, gelu, quickGelu } from './activations';
export { cast, equal, less, where } from './comparison';
export { concat, pad, slice, split } from './concat-split';
export { add, div, maximum, minimum, mul, pow, sub, type Operand } from './elementwise-binary';
export { erf, exp, identity, log, neg, reciprocal, relu, sigmoid, sqrt, square, tanh } from './elementwise-unary';
export { gather, scatterNdAdd } from './gather';
export { gemm, matMul, type GemmOptions } from './matmul';
export { batchNormalizationInference, batchNormalizationTraining, layerNormalization } from './normalization';
export { reduceMax, reduceMean, reduceSum, reduceSumSquare } from './reduce';
export { expand, expandLike, flattenToMatrix, reshape, reshapeLike, shapeOf, squeeze, transpose, transposeLastTwo, unsqueeze, zerosLike } from './shape-ops';
export { logSoftmax, softmax } from './softmax';
export { gradients } from './autodiff';
