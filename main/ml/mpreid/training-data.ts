import type { Db } from '../../db/workspace';
import { NotFoundError, ValidationError } from '../../errors';
import { readLabelledIdentities, wordsOf } from '../../prompts/attribute-words';
import { getImplicitPrompt } from '../../prompts/implicit-prompt';
import { aggregateIdentityAnswers } from '../../prompts/vqa/aggregate';
import { readQuestionBank } from '../../prompts/vqa/question-bank';
import { loadEmbeddings } from '../embedding/load-embeddings';
import type { ClipTokenizer } from '../tokenizer';
import type { ExplicitPromptKinds, FeatureSet, IdentityPromptTokens, MpreidTrainingData } from './training-types';

export interface TrainingDataRequest {
  datasetId: number;
  imageModelId: number;
  prompts: ExplicitPromptKinds;
  /** Maximum tokens kept per prompt, start and end tokens included. Longer prompts are cut before the end token. */
  contextLength: number;
  tokenizer: ClipTokenizer;
  /** Also read the prompts of query and gallery identities, into `testPrompts`, for an oracle evaluation. */
  includeTestIdentities?: boolean;
}

export interface LoadedTrainingData {
  data: MpreidTrainingData;
  /** Current revision of every ChatGPT prompt read, by 'chat:<prompt id>'. */
  promptRevisions: Record<string, number>;
}

interface ImageRow {
  id: number;
  identity_id: number;
  person_id: number;
  camera_id: number;
  split: 'train' | 'query' | 'gallery';
}

/**
 * Reads what an MP-ReID run trains on: the cached frozen-encoder features of
 * the dataset's images, dense class labels of the training identities, and
 * the tokenized explicit prompts each chosen kind needs. Fails, naming what
 * to do, when features or prompts are missing.
 */
export function loadMpreidTrainingData(db: Db, request: TrainingDataRequest): LoadedTrainingData {
  const images = db
    .prepare(
      `SELECT images.id, images.identity_id, identities.person_id, images.camera_id, images.split
       FROM images JOIN identities ON identities.id = images.identity_id
       WHERE images.dataset_id = ? ORDER BY images.id`,
    )
    .all(request.datasetId) as ImageRow[];
  const bySplit = (split: ImageRow['split']) => images.filter((image) => image.split === split);
  const trainImages = bySplit('train');
  if (trainImages.length === 0) {
    throw new ValidationError(`Dataset ${request.datasetId} has no training images, so nothing can be trained on it. Import a dataset folder with bounding_box_train.`);
  }

  const train = featureSet(db, request.imageModelId, trainImages);
  const { labels, classPersonIds } = denseLabels(train.personIds);
  const reader = new PromptReader(db, request);
  const prompts = classPersonIds.map((personId) => reader.read(personId));
  const testIdentities = [...new Set([...bySplit('query'), ...bySplit('gallery')].map((image) => image.person_id))];

  const data: MpreidTrainingData = {
    featureWidth: train.features.length / trainImages.length,
    train,
    trainLabels: labels,
    classes: classPersonIds.length,
    prompts,
    implicitTemplate: tokenizeImplicitTemplate(getImplicitPrompt(db, request.datasetId).current.text, request),
    query: bySplit('query').length > 0 ? featureSet(db, request.imageModelId, bySplit('query')) : undefined,
    gallery: bySplit('gallery').length > 0 ? featureSet(db, request.imageModelId, bySplit('gallery')) : undefined,
  };
  if (request.includeTestIdentities) data.testPrompts = new Map(testIdentities.map((personId) => [personId, reader.read(personId)]));
  return { data, promptRevisions: reader.revisions };
}

function featureSet(db: Db, modelId: number, images: readonly ImageRow[]): FeatureSet {
  const { features } = loadEmbeddings(db, modelId, images.map((image) => image.id));
  return {
    features,
    personIds: Int32Array.from(images, (image) => image.person_id),
    cameraIds: Int32Array.from(images, (image) => image.camera_id),
    imageIds: Int32Array.from(images, (image) => image.id),
  };
}

/**
 * Tokenizes a template such as "A photo of a X X X X person." and finds its
 * learnable tokens: CLIP's tokenizer lower-cases, so each X is the token of "x".
 */
function tokenizeImplicitTemplate(template: string, request: TrainingDataRequest): MpreidTrainingData['implicitTemplate'] {
  const { tokenizer } = request;
  const row = tokenizer.tokenize(template, { contextLength: request.contextLength, truncate: true });
  const tokens = Array.from(row.subarray(0, row.indexOf(tokenizer.endTokenId) + 1));
  const placeholder = tokenizer.tokenize('x', { contextLength: 3 })[1];
  const learnablePositions = tokens.flatMap((token, position) => (token === placeholder ? [position] : []));
  if (learnablePositions.length === 0) {
    throw new ValidationError(`The implicit prompt "${template}" of dataset ${request.datasetId} has no learnable X token within ${request.contextLength} tokens. Edit it on the Prompts page.`);
  }
  return { tokens, learnablePositions };
}

/** Maps person ids to classes 0..n-1 in ascending person id order. */
function denseLabels(personIds: Int32Array): { labels: Int32Array; classPersonIds: number[] } {
  const classPersonIds = [...new Set(personIds)].sort((a, b) => a - b);
  const classOf = new Map(classPersonIds.map((personId, index) => [personId, index]));
  return { labels: Int32Array.from(personIds, (personId) => classOf.get(personId)!), classPersonIds };
}

/** Reads and tokenizes the explicit prompts of one identity at a time, remembering the revisions it read. */
class PromptReader {
  readonly revisions: Record<string, number> = {};
  private readonly identityIds: Map<number, number>;
  private readonly labelled: Map<number, string[]>;
  private readonly questions;

  constructor(
    private readonly db: Db,
    private readonly request: TrainingDataRequest,
  ) {
    const rows = db.prepare('SELECT id, person_id FROM identities WHERE dataset_id = ?').all(request.datasetId) as { id: number; person_id: number }[];
    this.identityIds = new Map(rows.map((row) => [row.person_id, row.id]));
    this.labelled = request.prompts.attributeWords ? new Map(readLabelledIdentities(db, request.datasetId).map((identity) => [identity.personId, wordsOf(identity.labels)])) : new Map();
    this.questions = readQuestionBank(db);
  }

  read(personId: number): IdentityPromptTokens {
    const identityId = this.identityIds.get(personId)!;
    const { prompts } = this.request;
    return {
      attributeWords: prompts.attributeWords ? this.tokens(this.attributePhrase(personId)) : null,
      chat: prompts.chat ? this.tokens(this.chatPrompt(identityId, personId)) : null,
      vqa: prompts.vqa ? this.vqaSentences(identityId, personId).map((sentence) => this.tokens(sentence)) : [],
    };
  }

  private attributePhrase(personId: number): string {
    const words = this.labelled.get(personId) ?? [];
    if (words.length === 0) {
      throw new NotFoundError(`Identity ${personId} of dataset ${this.request.datasetId} has no attribute words, so the attribute-word prompt cannot be made. Import the attribute file, or train without attribute words.`);
    }
    return `A person with ${words.join(', ')}.`;
  }

  private chatPrompt(identityId: number, personId: number): string {
    const row = this.db
      .prepare(
        `SELECT prompts.id, prompts.current_revision, revisions.text FROM prompts
         JOIN prompt_revisions AS revisions ON revisions.prompt_id = prompts.id AND revisions.number = prompts.current_revision
         WHERE prompts.kind = 'chat' AND prompts.identity_id = ?`,
      )
      .get(identityId) as { id: number; current_revision: number; text: string } | undefined;
    if (!row || row.text.trim() === '') {
      throw new NotFoundError(`Identity ${personId} of dataset ${this.request.datasetId} has no ChatGPT prompt. Generate prompts first (the offline template needs no chat model), or train without ChatGPT prompts.`);
    }
    this.revisions[`chat:${row.id}`] = row.current_revision;
    return row.text;
  }

  private vqaSentences(identityId: number, personId: number): string[] {
    const sentences = aggregateIdentityAnswers(this.db, identityId, this.questions).flatMap((aggregate) => (aggregate.sentence ? [aggregate.sentence] : []));
    if (sentences.length === 0) {
      throw new NotFoundError(`Identity ${personId} of dataset ${this.request.datasetId} has no VQA answers. Run VQA on the dataset first (an attribute-head model answers offline), or train without VQA prompts.`);
    }
    return sentences;
  }

  /** Token ids from the start token to the end token, without padding. */
  private tokens(text: string): number[] {
    const row = this.request.tokenizer.tokenize(text, { contextLength: this.request.contextLength, truncate: true });
    const end = row.indexOf(this.request.tokenizer.endTokenId);
    return Array.from(row.subarray(0, end + 1));
  }
}
