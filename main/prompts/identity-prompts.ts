import type { Db } from '../db/workspace';
import { NotFoundError } from '../errors';
import type { IdentityPrompts, PromptListItem, ReviewStatus, RevisionSource } from './api-schemas';
import { readLabelledIdentities } from './attribute-words';
import { chatSubject } from './generate-prompts';
import { findPromptRow, getPromptView } from './prompt-store';
import { getReview } from './reviews';
import { requireDatasetRow } from './vocabulary';
import { aggregateIdentityAnswers } from './vqa/aggregate';
import { readQuestionBank } from './vqa/question-bank';

/** Everything the review page shows for one identity: labels with their words, the ChatGPT prompt, review status and VQA majority answers. */
export function getIdentityPrompts(db: Db, identityId: number): IdentityPrompts {
  const identity = db.prepare('SELECT dataset_id, person_id FROM identities WHERE id = ?').get(identityId) as { dataset_id: number; person_id: number } | undefined;
  if (!identity) throw new NotFoundError(`Identity ${identityId} does not exist in this workspace.`);

  const [labelled] = readLabelledIdentities(db, identity.dataset_id, [identity.person_id]);
  const chatRow = findPromptRow(db, chatSubject(identity.dataset_id, identityId));
  return {
    identityId,
    datasetId: identity.dataset_id,
    personId: identity.person_id,
    attributes: labelled.labels.map((label) => ({ name: label.attribute, value: label.value, meaning: label.meaning, word: label.word })),
    chat: chatRow ? getPromptView(db, chatRow.id) : null,
    review: getReview(db, identityId),
    vqa: aggregateIdentityAnswers(db, identityId, readQuestionBank(db)),
  };
}

export interface PromptListRequest {
  datasetId: number;
  reviewStatus?: ReviewStatus;
  /** Only identities whose prompt failed a check. */
  failedChecksOnly?: boolean;
  /** Only identities whose current ChatGPT prompt contains this text, ignoring case. */
  text?: string;
  /** Only identities whose attribute has this coded value. */
  attribute?: { name: string; value: number };
  offset: number;
  limit: number;
}

interface ListRow {
  identity_id: number;
  person_id: number;
  prompt_id: number | null;
  text: string | null;
  number: number | null;
  generator: string | null;
  source: RevisionSource | null;
  failed_checks: string | null;
  status: ReviewStatus | null;
}

/** Lists one page of a dataset's identities, by person id, with their current ChatGPT prompt and review status. */
export function listIdentityPrompts(db: Db, request: PromptListRequest): { total: number; items: PromptListItem[] } {
  requireDatasetRow(db, request.datasetId);
  const filters = `identities.dataset_id = ?
    AND (? IS NULL OR IFNULL(prompt_reviews.status, 'unreviewed') = ?)
    AND (? = 0 OR IFNULL(revisions.failed_checks, '[]') <> '[]')
    AND (? IS NULL OR instr(lower(IFNULL(revisions.text, '')), ?) > 0)
    AND (? IS NULL OR EXISTS (
      SELECT 1 FROM attribute_values JOIN attribute_schemas ON attribute_schemas.id = attribute_values.attribute_id
      WHERE attribute_values.identity_id = identities.id AND attribute_schemas.name = ? AND attribute_values.value = ?))`;
  const from = `FROM identities
    LEFT JOIN prompts ON prompts.identity_id = identities.id AND prompts.kind = 'chat'
    LEFT JOIN prompt_revisions AS revisions ON revisions.prompt_id = prompts.id AND revisions.number = prompts.current_revision
    LEFT JOIN prompt_reviews ON prompt_reviews.identity_id = identities.id`;
  const text = request.text?.trim() ? request.text.trim().toLowerCase() : null;
  const attribute = request.attribute ?? null;
  const parameters = [
    request.datasetId,
    request.reviewStatus ?? null,
    request.reviewStatus ?? null,
    request.failedChecksOnly ? 1 : 0,
    text,
    text,
    attribute?.name ?? null,
    attribute?.name ?? null,
    attribute?.value ?? null,
  ];

  const { total } = db.prepare(`SELECT COUNT(*) AS total ${from} WHERE ${filters}`).get(...parameters) as { total: number };
  const rows = db
    .prepare(
      `SELECT identities.id AS identity_id, identities.person_id, prompts.id AS prompt_id, revisions.text, revisions.number,
              revisions.generator, revisions.source, revisions.failed_checks, prompt_reviews.status
       ${from} WHERE ${filters} ORDER BY identities.person_id LIMIT ? OFFSET ?`,
    )
    .all(...parameters, request.limit, request.offset) as ListRow[];

  return { total, items: rows.map(toListItem) };
}

function toListItem(row: ListRow): PromptListItem {
  return {
    identityId: row.identity_id,
    personId: row.person_id,
    promptId: row.prompt_id,
    text: row.text,
    revision: row.number,
    generator: row.generator,
    source: row.source,
    failedChecks: row.failed_checks ? (JSON.parse(row.failed_checks) as unknown[]).length : 0,
    reviewStatus: row.status ?? 'unreviewed',
  };
}
