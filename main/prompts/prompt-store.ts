import type { Db } from '../db/workspace';
import { ConflictError, NotFoundError } from '../errors';
import type { PromptKind, PromptRevision, PromptView, ReplyCheckFailure, RevisionAction, RevisionSource } from './api-schemas';
import { undoRedoTargets } from './undo-history';

/**
 * Prompts and their append-only revision history. A prompt is created with
 * its first revision. Every later change, revert, undo or redo appends one
 * and moves `current_revision`, which is therefore always the highest number. Writes run in IMMEDIATE transactions so that
 * two connections changing one prompt are serialised and the second one
 * sees the first one's revision in its expected-revision check.
 */

/** Subject of a prompt: an identity (chat), an image and question (VQA kinds) or a whole dataset (implicit). */
export interface PromptSubject {
  datasetId: number;
  kind: PromptKind;
  identityId: number | null;
  imageId: number | null;
  questionKey: string | null;
}

export interface NewRevision {
  text: string;
  source: RevisionSource;
  action?: RevisionAction;
  restores?: number | null;
  generator?: string | null;
  model?: string | null;
  instructionVersion?: number | null;
  cacheKey?: string | null;
  failedChecks?: readonly ReplyCheckFailure[];
  detail?: Record<string, unknown> | null;
  /** ISO time; defaults to now. Imports pass nothing, so the time is when the text arrived here. */
  createdAt?: string;
}

export interface PromptRow {
  id: number;
  dataset_id: number;
  kind: PromptKind;
  identity_id: number | null;
  image_id: number | null;
  question_key: string | null;
  current_revision: number;
}

interface RevisionRow {
  number: number;
  text: string;
  source: RevisionSource;
  action: RevisionAction;
  restores: number | null;
  generator: string | null;
  model: string | null;
  instruction_version: number | null;
  cache_key: string | null;
  failed_checks: string;
  detail: string | null;
  created_at: string;
}

const revisionColumns = 'number, text, source, action, restores, generator, model, instruction_version, cache_key, failed_checks, detail, created_at';

export function findPromptRow(db: Db, subject: PromptSubject): PromptRow | undefined {
  return db
    .prepare(
      `SELECT * FROM prompts WHERE dataset_id = ? AND kind = ? AND IFNULL(identity_id, 0) = ? AND IFNULL(image_id, 0) = ? AND IFNULL(question_key, '') = ?`,
    )
    .get(subject.datasetId, subject.kind, subject.identityId ?? 0, subject.imageId ?? 0, subject.questionKey ?? '') as PromptRow | undefined;
}

export function requirePromptRow(db: Db, promptId: number): PromptRow {
  const row = db.prepare('SELECT * FROM prompts WHERE id = ?').get(promptId) as PromptRow | undefined;
  if (!row) throw new NotFoundError(`Prompt ${promptId} does not exist in this workspace.`);
  return row;
}

export function readRevision(db: Db, promptId: number, number: number): PromptRevision {
  const row = db.prepare(`SELECT ${revisionColumns} FROM prompt_revisions WHERE prompt_id = ? AND number = ?`).get(promptId, number) as RevisionRow | undefined;
  if (!row) throw new NotFoundError(`Prompt ${promptId} has no revision ${number}. List its history to see the revisions it has.`);
  return toRevision(row);
}

export function listRevisions(db: Db, promptId: number): PromptRevision[] {
  requirePromptRow(db, promptId);
  const rows = db.prepare(`SELECT ${revisionColumns} FROM prompt_revisions WHERE prompt_id = ? ORDER BY number`).all(promptId) as RevisionRow[];
  return rows.map(toRevision);
}

export function getPromptView(db: Db, promptId: number): PromptView {
  const row = requirePromptRow(db, promptId);
  const revisions = listRevisions(db, promptId);
  const { undo, redo } = undoRedoTargets(revisions);
  return {
    promptId: row.id,
    datasetId: row.dataset_id,
    kind: row.kind,
    identityId: row.identity_id,
    imageId: row.image_id,
    questionKey: row.question_key,
    current: revisions.find((revision) => revision.number === row.current_revision)!,
    undoTarget: undo,
    redoTarget: redo,
  };
}

/**
 * Appends a revision to the subject's prompt, creating the prompt if needed,
 * and returns the prompt's id and new revision number. With
 * `expectedRevision`, throws ConflictError unless the current revision is
 * that one (null: unless the prompt does not exist yet).
 */
export function appendRevision(db: Db, subject: PromptSubject, revision: NewRevision, expectedRevision?: number | null): { promptId: number; number: number } {
  return db
    .transaction(() => {
      const row = findPromptRow(db, subject);
      if (expectedRevision !== undefined) checkExpectedRevision(db, row, expectedRevision);
      const promptId = row?.id ?? insertPrompt(db, subject);
      const number = (row?.current_revision ?? 0) + 1;
      insertRevision(db, promptId, number, revision);
      return { promptId, number };
    })
    .immediate();
}

/** Appends a revision to an existing prompt after the expected-revision check; used by edit, revert, undo and redo. */
export function appendToPrompt(db: Db, promptId: number, expectedRevision: number, build: (row: PromptRow) => NewRevision): number {
  return db
    .transaction(() => {
      const row = requirePromptRow(db, promptId);
      checkExpectedRevision(db, row, expectedRevision);
      const number = row.current_revision + 1;
      insertRevision(db, promptId, number, build(row));
      return number;
    })
    .immediate();
}

function checkExpectedRevision(db: Db, row: PromptRow | undefined, expected: number | null): void {
  if (row === undefined && expected === null) return;
  if (row === undefined) throw new NotFoundError(`The prompt expected at revision ${expected} does not exist; it may have been deleted with its dataset.`);
  if (row.current_revision === expected) return;

  const current = readRevision(db, row.id, row.current_revision);
  const basis = expected === null ? 'assumed the prompt did not exist yet' : `was based on revision ${expected}`;
  throw new ConflictError(
    `Prompt ${row.id} is at revision ${row.current_revision} (${current.source} at ${current.createdAt}), but this change ${basis}. Reload the prompt, then apply the change again.`,
  );
}

function insertPrompt(db: Db, subject: PromptSubject): number {
  const info = db
    .prepare('INSERT INTO prompts (dataset_id, kind, identity_id, image_id, question_key, current_revision) VALUES (?, ?, ?, ?, ?, 0)')
    .run(subject.datasetId, subject.kind, subject.identityId, subject.imageId, subject.questionKey);
  return Number(info.lastInsertRowid);
}

function insertRevision(db: Db, promptId: number, number: number, revision: NewRevision): void {
  db.prepare(
    `INSERT INTO prompt_revisions (prompt_id, ${revisionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    promptId,
    number,
    revision.text,
    revision.source,
    revision.action ?? 'change',
    revision.restores ?? null,
    revision.generator ?? null,
    revision.model ?? null,
    revision.instructionVersion ?? null,
    revision.cacheKey ?? null,
    JSON.stringify(revision.failedChecks ?? []),
    revision.detail ? JSON.stringify(revision.detail) : null,
    revision.createdAt ?? new Date().toISOString(),
  );
  db.prepare('UPDATE prompts SET current_revision = ? WHERE id = ?').run(number, promptId);
}

function toRevision(row: RevisionRow): PromptRevision {
  return {
    number: row.number,
    text: row.text,
    source: row.source,
    action: row.action,
    restores: row.restores,
    generator: row.generator,
    model: row.model,
    instructionVersion: row.instruction_version,
    cacheKey: row.cache_key,
    failedChecks: JSON.parse(row.failed_checks) as ReplyCheckFailure[],
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    createdAt: row.created_at,
  };
}
