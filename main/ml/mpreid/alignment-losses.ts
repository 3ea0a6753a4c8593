import type { Tensor } from '../graph/tensor';
import { logSoftmax, matMul, mul, neg, reduceMean, reduceSum, transpose } from '../ops';
import { crossEntropy } from '../training/losses';

/**
 * Scale of the cosine similarities fed to the contrastive softmaxes, 1 / 0.05.
 * A fixed temperature, because a learnable one has little to learn from the
 * few hundred identities of a ReID training split.
 */
export const similarityScale = 20;

/** Mean over rows of the cross-entropy between fixed target distributions and softmax(logits). */
function softTargetCrossEntropy(logits: Tensor, targets: Float32Array | Float64Array): Tensor {
  const [rows, columns] = logits.shape as number[];
  const target = logits.graph.constant(Array.from(targets), logits.dtype, [rows, columns]);
  return neg(reduceMean(reduceSum(mul(target, logSoftmax(logits, 1)), [1])));
}

/**
 * Image-to-prompt contrastive loss (L_m2p): each of the P x K images picks its
 * identity's prompt among the P prompts of the batch. Rows of both inputs are
 * unit vectors; images come identity by identity, K each.
 */
export function imageToPromptLoss(images: Tensor, prompts: Tensor, imagesPerIdentity: number): Tensor {
  const [n] = images.shape as number[];
  const [p] = prompts.shape as number[];
  const targets = new Float32Array(n * p);
  for (let image = 0; image < n; image++) targets[image * p + Math.floor(image / imagesPerIdentity)] = 1;
  return softTargetCrossEntropy(mul(matMul(images, transpose(prompts, [1, 0])), similarityScale), targets);
}

/** Prompt-to-image contrastive loss (L_p2m): each prompt spreads its target evenly over its identity's K images. */
export function promptToImageLoss(prompts: Tensor, images: Tensor, imagesPerIdentity: number): Tensor {
  const [n] = images.shape as number[];
  const [p] = prompts.shape as number[];
  const targets = new Float32Array(p * n);
  for (let image = 0; image < n; image++) targets[Math.floor(image / imagesPerIdentity) * n + image] = 1 / imagesPerIdentity;
  return softTargetCrossEntropy(mul(matMul(prompts, transpose(images, [1, 0])), similarityScale), targets);
}

/**
 * Image-to-implicit-prompt cross-entropy (L_m2pce): each image against the
 * fixed implicit prompt features of every training identity [classes, d],
 * with label-smoothed targets.
 */
export function implicitPromptCrossEntropy(images: Tensor, implicitFeatures: Tensor, labels: Tensor, smoothing = 0.1): Tensor {
  return crossEntropy(mul(matMul(images, transpose(implicitFeatures, [1, 0])), similarityScale), labels, smoothing);
}
