import type { RetrievalFigures } from '../../api/schemas';
import { evaluate } from '../../retrieval/evaluate';
import { createSession, type ExecutionProvider } from '../runtime';
import { exportInferenceModel } from '../training/export';
import { openImageHead, runImageHead } from './image-head-session';
import { imageHeadGraph, implicitFeaturesGraph } from './inference-graphs';
import { identityPromptFeatures, withIdentityPrompts } from './oracle-features';
import type { ModelSpec } from './stage-graphs';
import type { MpreidTrainingData } from './training-types';

type Values = ReadonlyMap<string, Float32Array | Float64Array>;

/** Unit implicit prompt features [classes, jointWidth] of every training identity, from stage-1 values. */
export async function computeImplicitFeatures(spec: ModelSpec, values: Values): Promise<Float32Array> {
  const session = await createSession(exportInferenceModel(implicitFeaturesGraph(spec), values), { provider: 'cpu' });
  try {
    const outputs = await session.run({});
    return outputs.implicit.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * Query-to-gallery figures of the retrieval feature under the given values.
 * With `data.testPrompts` and `oracle`, each image's identity prompt feature
 * is appended to its retrieval feature: label-derived, so an oracle.
 */
export async function evaluateImageHead(spec: ModelSpec, values: Values, data: MpreidTrainingData, provider: ExecutionProvider, oracle: boolean): Promise<RetrievalFigures> {
  const query = data.query!;
  const gallery = data.gallery!;
  let dimension = spec.featureWidth + spec.jointWidth;
  const head = await openImageHead(exportInferenceModel(imageHeadGraph(spec), values), provider);
  let queryFeatures: Float32Array;
  let galleryFeatures: Float32Array;
  try {
    queryFeatures = (await runImageHead(head, query.features, spec.featureWidth, 'embedding')).values;
    galleryFeatures = (await runImageHead(head, gallery.features, spec.featureWidth, 'embedding')).values;
  } finally {
    await head.session.release();
  }

  if (oracle) {
    const prompts = await identityPromptFeatures(spec, values, data.testPrompts ?? new Map());
    queryFeatures = withIdentityPrompts(queryFeatures, dimension, query.personIds, prompts, spec.jointWidth);
    galleryFeatures = withIdentityPrompts(galleryFeatures, dimension, gallery.personIds, prompts, spec.jointWidth);
    dimension += spec.jointWidth;
  }

  const evaluation = await evaluate(
    { features: queryFeatures, personIds: query.personIds, cameraIds: query.cameraIds },
    { features: galleryFeatures, personIds: gallery.personIds, cameraIds: gallery.cameraIds },
    { dimension, worstQueries: 0 },
  );
  return evaluation.plain;
}
