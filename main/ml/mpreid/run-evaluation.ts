import type { RetrievalFigures } from '../../api/schemas';
import { evaluate } from '../../retrieval/evaluate';
import { createSession, float32Tensor, type ExecutionProvider } from '../runtime';
import { exportInferenceModel } from '../training/export';
import { imageHeadGraph, implicitFeaturesGraph } from './inference-graphs';
import { identityPromptFeatures, withIdentityPrompts } from './oracle-features';
import type { ModelSpec } from './stage-graphs';
import type { FeatureSet, MpreidTrainingData } from './training-types';

type Values = ReadonlyMap<string, Float32Array | Float64Array>;

/** Rows per image-head run: 4,096 x 512 floats in is 8 MiB. */
const rowsPerRun = 4096;

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

/** Runs the image head over a feature set; returns the named output, row-major. */
export async function runImageHead(spec: ModelSpec, values: Values, set: FeatureSet, output: 'embedding' | 'joint', provider: ExecutionProvider): Promise<Float32Array> {
  const session = await createSession(exportInferenceModel(imageHeadGraph(spec), values), { provider });
  const count = set.personIds.length;
  const width = output === 'embedding' ? spec.featureWidth + spec.jointWidth : spec.jointWidth;
  const result = new Float32Array(count * width);
  try {
    for (let start = 0; start < count; start += rowsPerRun) {
      const rows = Math.min(rowsPerRun, count - start);
      const input = set.features.subarray(start * spec.featureWidth, (start + rows) * spec.featureWidth);
      const outputs = await session.run({ features: float32Tensor(input, [rows, spec.featureWidth]) }, [output]);
      result.set(outputs[output].data as Float32Array, start * width);
    }
    return result;
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
  let queryFeatures = await runImageHead(spec, values, query, 'embedding', provider);
  let galleryFeatures = await runImageHead(spec, values, gallery, 'embedding', provider);

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
