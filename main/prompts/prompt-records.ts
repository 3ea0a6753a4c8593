import type { Db } from '../db/workspace';
import type { PromptKind, PromptRecord, ReplyCheckFailure, ReviewStatus, RevisionSource } from './api-schemas';
import { requireDatasetRow } from './vocabulary';

/**
 * The exchange form of a dataset's prompts: one record per prompt (its
 * current revision) and one per identity review. Records name identities by
 * person id and images by their path inside the dataset folder, never by
 * workspace ids, so a file moves between workspaces that imported the same dataset.
 */

interface CurrentPromptRow {
  kind: PromptKind;
  person_id: number | null;
  path: string | null;
  question_key: string | null;
  number: number;
  text: string;
  source: RevisionSource;
  generator: string | null;
  model: string | null;
  instruction_version: number | null;
  cache_key: string | null;
  failed_checks: string;
  created_at: string;
}

const kindOrder = "CASE prompts.kind WHEN 'implicit' THEN 0 WHEN 'chat' THEN 1 WHEN 'vqa_answer' THEN 2 ELSE 3 END";

/** Reads every prompt and review of a dataset as records, in a stable order: implicit, chat, VQA answers, VQA sentences, reviews. */
export function collectRecords(db: Db, datasetId: number): PromptRecord[] {
  requireDatasetRow(db, datasetId);
  const prompts = db
    .prepare(
      `SELECT prompts.kind, identities.person_id, images.path, prompts.question_key,
              revisions.number, revisions.text, revisions.source, revisions.generator, revisions.model,
              revisions.instruction_version, revisions.cache_key, revisions.failed_checks, revisions.created_at
       FROM prompts
       JOIN prompt_revisions AS revisions ON revisions.prompt_id = prompts.id AND revisions.number = prompts.current_revision
       LEFT JOIN images ON images.id = prompts.image_id
       LEFT JOIN identities ON identities.id = IFNULL(prompts.identity_id, images.identity_id)
       WHERE prompts.dataset_id = ?
       ORDER BY ${kindOrder}, identities.person_id, images.path, prompts.question_key`,
    )
    .all(datasetId) as CurrentPromptRow[];

  const reviews = db
    .prepare(
      `SELECT identities.person_id, prompt_reviews.status, prompt_reviews.note, prompt_reviews.updated_at
       FROM prompt_reviews JOIN identities ON identities.id = prompt_reviews.identity_id
       WHERE identities.dataset_id = ? ORDER BY identities.person_id`,
    )
    .all(datasetId) as { person_id: number; status: ReviewStatus; note: string; updated_at: string }[];

  return [...prompts.map(promptRecord), ...reviews.map((row) => reviewRecord(row.person_id, row.status, row.note, row.updated_at))];
}

function promptRecord(row: CurrentPromptRow): PromptRecord {
  return {
    kind: row.kind,
    personId: row.person_id,
    imagePath: row.path,
    questionKey: row.question_key,
    text: row.text,
    reviewStatus: null,
    source: row.source,
    generator: row.generator,
    model: row.model,
    instructionVersion: row.instruction_version,
    revision: row.number,
    failedChecks: JSON.parse(row.failed_checks) as ReplyCheckFailure[],
    cacheKey: row.cache_key,
    createdAt: row.created_at,
  };
}

export function reviewRecord(personId: number, status: ReviewStatus, note: string, updatedAt: string | null): PromptRecord {
  return {
    kind: 'review',
    personId,
    imagePath: null,
    questionKey: null,
    text: note,
    reviewStatus: status,
    source: null,
    generator: null,
    model: null,
    instructionVersion: null,
    revision: null,
    failedChecks: [],
    cacheKey: null,
    createdAt: updatedAt,
  };
}

/** Identifies what a record describes, for duplicate checks and messages: "chat 0005", "vqa_answer bounding_box_train/0005_c2_f0046985.jpg headwear". */
export function describeRecord(record: Pick<PromptRecord, 'kind' | 'personId' | 'imagePath' | 'questionKey'>): string {
  if (record.kind === 'implicit') return 'implicit template';
  if (record.kind === 'chat' || record.kind === 'review') return `${record.kind} of person ${record.personId}`;
  return `${record.kind} of ${record.imagePath} for ${record.questionKey}`;
}
