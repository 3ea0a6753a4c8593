import { clipDefinition, dropoutDefinition, geluDefinition, quickGeluDefinition } from './activations';
import { castDefinition, equalDefinition, lessDefinition, whereDefinition } from './comparison';
import { concatDefinition, padDefinition, sliceDefinition, splitDefinition } from './concat-split';
import { addDefinition, divDefinition, maxDefinition, minDefinition, mulDefinition, powDefinition, subDefinition } from './elementwise-binary';
import {
  erfDefinition,
  expDefinition,
  identityDefinition,
  logDefinition,
  negDefinition,
  reciprocalDefinition,
  reluDefinition,
  sigmoidDefinition,
  sqrtDefinition,
  tanhDefinition,
} from './elementwise-unary';
import { gatherDefinition, scatterNdDefinition } from './gather';
import { gemmDefinition, matMulDefinition } from './matmul';
import { batchNormalizationDefinition, layerNormalizationDefinition } from './normalization';
import type { OpDefinition } from './op-definition';
import type { OpType } from './op-types';
import { reduceMaxDefinition, reduceMeanDefinition, reduceSumDefinition, reduceSumSquareDefinition } from './reduce';
import { expandDefinition, reshapeDefinition, shapeDefinition, squeezeDefinition, transposeDefinition, unsqueezeDefinition } from './shape-ops';
import { logSoftmaxDefinition, softmaxDefinition } from './softmax';

/** Every op definition by type; the autodiff looks gradient rules up here. */
export const opDefinitions = {
  Add: addDefinition,
  Sub: subDefinition,
  Mul: mulDefinition,
  Div: divDefinition,
  Pow: powDefinition,
  Max: maxDefinition,
  Min: minDefinition,
  Neg: negDefinition,
  Exp: expDefinition,
  Log: logDefinition,
  Sqrt: sqrtDefinition,
  Reciprocal: reciprocalDefinition,
  Relu: reluDefinition,
  Sigmoid: sigmoidDefinition,
  Tanh: tanhDefinition,
  Erf: erfDefinition,
  Gelu: geluDefinition,
  QuickGelu: quickGeluDefinition,
  Identity: identityDefinition,
  Cast: castDefinition,
  Clip: clipDefinition,
  Dropout: dropoutDefinition,
  Equal: equalDefinition,
  Less: lessDefinition,
  Where: whereDefinition,
  MatMul: matMulDefinition,
  Gemm: gemmDefinition,
  Softmax: softmaxDefinition,
  LogSoftmax: logSoftmaxDefinition,
  LayerNormalization: layerNormalizationDefinition,
  BatchNormalization: batchNormalizationDefinition,
  ReduceSum: reduceSumDefinition,
  ReduceSumSquare: reduceSumSquareDefinition,
  ReduceMean: reduceMeanDefinition,
  ReduceMax: reduceMaxDefinition,
  Transpose: transposeDefinition,
  Reshape: reshapeDefinition,
  Expand: expandDefinition,
  Unsqueeze: unsqueezeDefinition,
  Squeeze: squeezeDefinition,
  Shape: shapeDefinition,
  Concat: concatDefinition,
  Split: splitDefinition,
  Slice: sliceDefinition,
  Pad: padDefinition,
  Gather: gatherDefinition,
  ScatterND: scatterNdDefinition,
} satisfies Record<OpType, OpDefinition<any>>;
