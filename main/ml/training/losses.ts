import { ShapeError } from '../../errors';
import { formatShape } from '../graph/dims';
import type { Tensor } from '../graph/tensor';
import {
  add,
  cast,
  clip,
  equal,
  gemm,
  logSoftmax,
  mul,
  neg,
  reciprocal,
  reduceMax,
  reduceMean,
  reduceSum,
  relu,
  sqrt,
  sub,
  transpose,
  unsqueeze,
  where,
} from '../ops';

/** Scale by which non-matching pairs are pushed out of the max in batch-hard mining. */
const maskedDistance = 1e6;

function requireMatrix(name: string, x: Tensor): void {
  if (x.rank !== 2) throw new ShapeError(`${name}: expected a [batch, width] matrix but got ${x.name} ${formatShape(x.shape)}.`);
}

function requireLabels(name: string, labels: Tensor, batch: Tensor['shape'][number]): void {
  if (labels.dtype !== 'int64' || labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new ShapeError(`${name}: labels ${labels.name} must be int64 [${batch}] but are ${labels.dtype} ${formatShape(labels.shape)}.`);
  }
}

/**
 * Mean cross-entropy of logits [batch, classes] against int64 labels, with
 * label smoothing: the target puts 1 - smoothing + smoothing / classes on the
 * label and smoothing / classes on every other class (Szegedy et al. 2016).
 */
export function crossEntropy(logits: Tensor, labels: Tensor, smoothing = 0): Tensor {
  requireMatrix('crossEntropy', logits);
  requireLabels('crossEntropy', labels, logits.shape[0]);
  const classes = logits.shape[1];
  if (typeof classes !== 'number') throw new ShapeError(`crossEntropy: the class count of ${logits.name} must be static.`);

  const classIndices = logits.graph.int64Vector(Array.from({ length: classes }, (_, i) => i));
  const oneHot = cast(equal(unsqueeze(labels, [1]), classIndices), logits.dtype);
  const target = add(mul(oneHot, 1 - smoothing), smoothing / classes);
  return neg(reduceMean(reduceSum(mul(target, logSoftmax(logits, 1)), [1])));
}

/** Euclidean distances between the rows of a [n, d] and b [m, d], as [n, m]. */
export function pairwiseDistances(a: Tensor, b: Tensor): Tensor {
  const squaredA = reduceSum(mul(a, a), [1], true);
  const squaredB = transpose(reduceSum(mul(b, b), [1], true));
  const squared = add(add(squaredA, squaredB), gemm(a, b, undefined, { alpha: -2, transB: true }));
  // The floor keeps sqrt's gradient finite on the diagonal, where the distance is 0.
  return sqrt(clip(squared, 1e-12));
}

/**
 * Batch-hard triplet loss (Hermans et al. 2017) from a distance matrix. Each
 * anchor is paired with the farthest sample of its identity (d_p) and the
 * closest sample of another identity (d_n), and the loss is the mean of
 * max(d_p - d_n + margin, 0). Only those two distances of each anchor receive a gradient.
 */
export function batchHardTripletFromDistances(distances: Tensor, labels: Tensor, margin: number): Tensor {
  requireLabels('batchHardTripletLoss', labels, distances.shape[0]);
  const sameIdentity = equal(unsqueeze(labels, [1]), unsqueeze(labels, [0]));
  const hardestPositive = reduceMax(where(sameIdentity, distances, -maskedDistance), [1]);
  const hardestNegative = neg(reduceMax(where(sameIdentity, -maskedDistance, neg(distances)), [1]));
  return reduceMean(relu(add(sub(hardestPositive, hardestNegative), margin)));
}

export function batchHardTripletLoss(features: Tensor, labels: Tensor, margin = 0.3): Tensor {
  requireMatrix('batchHardTripletLoss', features);
  return batchHardTripletFromDistances(pairwiseDistances(features, features), labels, margin);
}

/** Rows scaled to unit L2 norm; `epsilon` keeps zero rows finite. */
export function l2Normalize(x: Tensor, epsilon = 1e-12): Tensor {
  return mul(x, reciprocal(sqrt(add(reduceSum(mul(x, x), [-1], true), epsilon))));
}

/**
 * Symmetric InfoNCE between paired rows of a and b [batch, d]: cosine
 * similarities divided by `temperature` are the logits, and the matching row
 * is the target, once over b for each a and once over a for each b.
 */
export function infoNce(a: Tensor, b: Tensor, temperature: number): { aToB: Tensor; bToA: Tensor } {
  requireMatrix('infoNce', a);
  requireMatrix('infoNce', b);
  const batch = a.shape[0];
  if (typeof batch !== 'number' || b.shape[0] !== batch) {
    throw new ShapeError(`infoNce: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} need the same static batch size.`);
  }
  const logits = gemm(l2Normalize(a), l2Normalize(b), undefined, { alpha: 1 / temperature, transB: true });
  const targets = a.graph.int64Vector(Array.from({ length: batch }, (_, i) => i));
  return { aToB: crossEntropy(logits, targets), bToA: crossEntropy(transpose(logits), targets) };
}
