import type { AppContext } from '../../app-context';
import { requireDataset } from '../../datasets/dataset-queries';
import { loadEmbeddings } from '../../ml/embedding';
import { getModel } from '../../ml/models';
import { evaluate, type QueryDetail } from '../../retrieval/evaluate';
import type { ApiOutput, ApiParsedInput } from '../contract';
import type { ImageRef, QueryOutcome, RankedImage } from '../schemas';
import { requireNonEmpty, splitImages } from './split-images';

/** Evaluates a dataset's query split against its gallery with one model's cached embeddings. */
export async function runEvaluation(input: ApiParsedInput<'evaluation.run'>, context: AppContext): Promise<ApiOutput<'evaluation.run'>> {
  const { db } = context;
  requireDataset(db, input.datasetId);
  const model = getModel(db, input.modelId);
  const queries = splitImages(db, input.datasetId, 'query');
  const gallery = splitImages(db, input.datasetId, 'gallery');
  requireNonEmpty(queries, 'query', input.datasetId);
  requireNonEmpty(gallery, 'gallery', input.datasetId);

  return context.jobs.run('evaluate', input, async (progress) => {
    const loadStart = performance.now();
    const queryFeatures = loadEmbeddings(db, model.modelId, queries.map((image) => image.imageId));
    const galleryFeatures = loadEmbeddings(db, model.modelId, gallery.map((image) => image.imageId));
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const evaluation = await evaluate(labelled(queryFeatures.features, queries), labelled(galleryFeatures.features, gallery), {
      dimension: queryFeatures.dimension,
      rerank: input.rerank,
      worstQueries: input.worstQueries,
      topPerQuery: 10,
      signal: progress.signal,
      onProgress: (done, total) => progress.update('rank', done, total),
    });

    return {
      datasetId: input.datasetId,
      modelId: model.modelId,
      features: `${model.name} image embeddings (L2-normalised, Euclidean distance)`,
      queries: queries.length,
      validQueries: evaluation.validQueries,
      gallery: gallery.length,
      plain: evaluation.plain,
      reranked: evaluation.reranked,
      worstQueries: evaluation.perQuery.map((detail) => toQueryOutcome(detail, queries, gallery)),
      seconds: { loadEmbeddings: loadSeconds, ...evaluation.seconds },
    };
  });
}

function labelled(features: Float32Array, images: ImageRef[]) {
  return {
    features,
    personIds: Int32Array.from(images, (image) => image.personId),
    cameraIds: Int32Array.from(images, (image) => image.cameraId),
  };
}

function toQueryOutcome(detail: QueryDetail, queries: ImageRef[], gallery: ImageRef[]): QueryOutcome {
  const query = queries[detail.queryIndex];
  const ranked: RankedImage[] = detail.top.map((item, position) => {
    const image = gallery[item.galleryIndex];
    return { ...image, rank: position + 1, distance: item.distance, match: image.personId === query.personId ? 'true' : 'false' };
  });
  return {
    queryImageId: query.imageId,
    personId: query.personId,
    cameraId: query.cameraId,
    averagePrecision: detail.averagePrecision,
    firstTrueMatchRank: detail.firstTrueMatchRank,
    trueMatches: detail.trueMatches,
    ranked,
  };
}
