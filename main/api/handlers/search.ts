import type { AppContext } from '../../app-context';
import { requireDataset } from '../../datasets/dataset-queries';
import { ValidationError } from '../../errors';
import { embedImageBytes, loadEmbeddings } from '../../ml/embedding';
import { getModel } from '../../ml/models';
import { l2Normalize } from '../../retrieval/normalize';
import { rankGallery } from '../../retrieval/search';
import type { ApiOutput, ApiParsedInput } from '../contract';
import type { RankedImage } from '../schemas';
import { imageRef, requireNonEmpty, splitImages } from './split-images';

/** Ranks a dataset's gallery for a query image of the dataset or for an image file the user dropped. */
export async function runSearch(input: ApiParsedInput<'search.run'>, context: AppContext): Promise<ApiOutput<'search.run'>> {
  const start = performance.now();
  const { db } = context;
  requireDataset(db, input.datasetId);
  const model = getModel(db, input.modelId);
  const gallery = splitImages(db, input.datasetId, 'gallery');
  requireNonEmpty(gallery, 'gallery', input.datasetId);

  const query = input.queryImageId === undefined ? null : imageRef(db, input.queryImageId);
  if (query && query.datasetId !== input.datasetId) {
    throw new ValidationError(`Image ${query.imageId} belongs to dataset ${query.datasetId}, not to dataset ${input.datasetId}.`);
  }
  const queryFeature = query
    ? loadEmbeddings(db, model.modelId, [query.imageId]).features
    : await embedImageBytes(db, model.modelId, decodeDataUrl(input.imageDataUrl!), context.settings.executionProvider);

  const galleryFeatures = loadEmbeddings(db, model.modelId, gallery.map((image) => image.imageId));
  const dimension = galleryFeatures.dimension;
  const hideSameCamera = input.hideSameCameraSameIdentity && query !== null;
  const ranked = rankGallery(l2Normalize(queryFeature, dimension), l2Normalize(galleryFeatures.features, dimension), dimension, input.topK, (index) =>
    hideSameCamera ? gallery[index].personId === query.personId && gallery[index].cameraId === query.cameraId : false,
  );

  const results: RankedImage[] = ranked.map((item, position) => {
    const image = gallery[item.galleryIndex];
    return { ...image, rank: position + 1, distance: item.distance, match: matchOf(image.personId, query?.personId ?? null) };
  });
  return {
    query: { imageId: query?.imageId ?? null, personId: query?.personId ?? null, cameraId: query?.cameraId ?? null },
    gallerySize: gallery.length,
    results,
    seconds: (performance.now() - start) / 1000,
  };
}

/** A dropped image has no identity, so whether a result matches it is unknown. */
function matchOf(galleryPersonId: number, queryPersonId: number | null): RankedImage['match'] {
  if (queryPersonId === null) return 'unknown';
  return galleryPersonId === queryPersonId ? 'true' : 'false';
}

function decodeDataUrl(dataUrl: string): Uint8Array {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
