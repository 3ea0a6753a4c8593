import type { ImageRef, RankedImage } from '../api/schemas';
import { splitImages, requireNonEmpty } from '../api/handlers/split-images';
import type { AppContext } from '../app-context';
import { ShapeError, ValidationError } from '../errors';
import { createLogger } from '../log';
import { loadEmbeddings } from '../ml/embedding';
import type { MpreidArtifacts } from '../ml/mpreid/training-types';
import { createSession, resolveExecutionProvider, type ModelSession } from '../ml/runtime';
import { l2Normalize } from '../retrieval/normalize';
import { rankGallery } from '../retrieval/search';
import { getRunRecord, type RunRecord } from './run-rows';
import { openImageHead, runImageHead } from '../ml/mpreid/image-head-session';
import { loadTokenizer } from './vocabulary';

const log = createLogger('TextSearch');

/** A run's text encoder and its gallery in the joint space, kept between searches. */
interface JointGallery {
  gallery: ImageRef[];
  /** Row-major unit-length joint features of the gallery. */
  joint: Float32Array;
  width: number;
  textEncoder: ModelSession;
}

/** Loaded galleries by workspace and run; a run's files never change once it succeeded, so entries stay valid until it is deleted. */
const galleries = new WeakMap<AppContext['db'], Map<number, Promise<JointGallery>>>();

export interface TextSearchResult {
  /** Tokens of the text, start and end tokens included, after cutting to the context length. */
  tokens: number;
  gallerySize: number;
  results: RankedImage[];
  seconds: number;
}

/**
 * Ranks a run's dataset gallery by cosine similarity between a typed
 * description and each image in the run's joint image-text space. Distances
 * are 1 - cosine; `match` is 'unknown' because a text has no identity.
 */
export async function searchByText(context: AppContext, request: { runId: number; text: string; topK: number }): Promise<TextSearchResult> {
  const started = performance.now();
  const run = getRunRecord(context.db, request.runId);
  if (run.status !== 'succeeded' || run.artifacts === null) {
    throw new ValidationError(`Training run ${run.runId} has status ${run.status}, but text search needs a run that succeeded. Resume or train it to the end first.`);
  }

  const loaded = await loadJointGallery(context, run, run.artifacts);
  const { ids, tokenRow } = await tokenizeQuery(run.vocabularyPath, request.text, run.artifacts.contextLength);
  const textJoint = await encodeText(loaded.textEncoder, tokenRow, ids.length - 1, loaded.width, run.artifacts.textEncoderPath);

  const ranked = rankGallery(textJoint, loaded.joint, loaded.width, request.topK);
  // Both sides have unit length, so squared Euclidean distance is 2 - 2 cosine.
  const results: RankedImage[] = ranked.map((item, position) => ({
    ...loaded.gallery[item.galleryIndex],
    rank: position + 1,
    distance: (item.distance * item.distance) / 2,
    match: 'unknown',
  }));
  return { tokens: ids.length, gallerySize: loaded.gallery.length, results, seconds: (performance.now() - started) / 1000 };
}

/** Releases the text encoder of a run and drops its cached gallery, such as when the run is deleted. */
export async function forgetJointGallery(context: AppContext, runId: number): Promise<void> {
  const loaded = galleries.get(context.db)?.get(runId);
  if (!loaded) return;
  galleries.get(context.db)!.delete(runId);
  await loaded.then((entry) => entry.textEncoder.release()).catch(() => {});
}

function loadJointGallery(context: AppContext, run: RunRecord, artifacts: MpreidArtifacts): Promise<JointGallery> {
  const byRun = galleries.get(context.db) ?? new Map<number, Promise<JointGallery>>();
  galleries.set(context.db, byRun);
  let loaded = byRun.get(run.runId);
  if (!loaded) {
    loaded = buildJointGallery(context, run, artifacts);
    byRun.set(run.runId, loaded);
    // A failed load is not kept, so a later search tries again.
    loaded.catch(() => byRun.delete(run.runId));
  }
  return loaded;
}

async function buildJointGallery(context: AppContext, run: RunRecord, artifacts: MpreidArtifacts): Promise<JointGallery> {
  const started = performance.now();
  const gallery = splitImages(context.db, run.datasetId, 'gallery');
  requireNonEmpty(gallery, 'gallery', run.datasetId);
  const frozen = loadEmbeddings(context.db, run.imageModelId, gallery.map((image) => image.imageId));
  const provider = resolveExecutionProvider(context.settings.executionProvider).provider;

  const head = await openImageHead(artifacts.imageHeadPath, provider);
  let joint: { width: number; values: Float32Array };
  try {
    joint = await runImageHead(head, frozen.features, frozen.dimension, 'joint');
  } finally {
    await head.session.release();
  }
  const textEncoder = await createSession(artifacts.textEncoderPath, { provider });

  log.info('joint gallery loaded', { runId: run.runId, gallery: gallery.length, width: joint.width, seconds: (performance.now() - started) / 1000 });
  return { gallery, joint: l2Normalize(joint.values, joint.width), width: joint.width, textEncoder };
}

/** Tokenizes with the run's vocabulary, padding with zeros; a text longer than the run's text encoder reads is refused. */
async function tokenizeQuery(vocabularyPath: string, text: string, contextLength: number): Promise<{ ids: number[]; tokenRow: BigInt64Array }> {
  const tokenizer = await loadTokenizer(vocabularyPath);
  const length = tokenizer.encode(text).length;
  if (length > contextLength) {
    throw new ValidationError(`The description has ${length} tokens, start and end included, but this run's text encoder reads at most ${contextLength}. Shorten it.`);
  }
  const row = tokenizer.tokenize(text, { contextLength });
  const end = row.indexOf(tokenizer.endTokenId);
  const ids = Array.from(row.subarray(0, end + 1));
  return { ids, tokenRow: BigInt64Array.from(row, (id) => BigInt(id)) };
}

async function encodeText(textEncoder: ModelSession, tokenRow: BigInt64Array, endIndex: number, width: number, path: string): Promise<Float32Array> {
  const result = await textEncoder.run(
    {
      tokens: { type: 'int64', data: tokenRow, dims: [1, tokenRow.length] },
      eos_index: { type: 'int64', data: BigInt64Array.of(BigInt(endIndex)), dims: [1] },
    },
    ['joint'],
  );
  const joint = result.joint;
  if (joint.type !== 'float32' || joint.data.length !== width) {
    throw new ShapeError(`The text encoder ${path} returned "joint" of type ${joint.type} and shape [${joint.dims.join(', ')}], but [1, ${width}] float32 was expected to match the image head.`);
  }
  return l2Normalize(joint.data as Float32Array, width);
}
