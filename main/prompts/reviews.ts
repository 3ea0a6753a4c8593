import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import { createLogger } from '../log';
import type { Review, ReviewStatus } from './api-schemas';

const log = createLogger('Prompts');

const maxNoteLength = 2000;

interface ReviewRow {
  identity_id: number;
  status: ReviewStatus;
  note: string;
  updated_at: string;
}

/** Review status of an identity's prompts; 'unreviewed' with no time until someone or something sets it. */
export function getReview(db: Db, identityId: number): Review {
  const row = db.prepare('SELECT identity_id, status, note, updated_at FROM prompt_reviews WHERE identity_id = ?').get(identityId) as ReviewRow | undefined;
  if (!row) return { identityId, status: 'unreviewed', note: '', updatedAt: null };
  return { identityId, status: row.status, note: row.note, updatedAt: row.updated_at };
}

/** Reviews of all identities of a dataset that have one, by identity id. */
export function readReviews(db: Db, datasetId: number): Map<number, Review> {
  const rows = db
    .prepare('SELECT prompt_reviews.* FROM prompt_reviews JOIN identities ON identities.id = prompt_reviews.identity_id WHERE identities.dataset_id = ?')
    .all(datasetId) as ReviewRow[];
  return new Map(rows.map((row) => [row.identity_id, { identityId: row.identity_id, status: row.status, note: row.note, updatedAt: row.updated_at }]));
}

/** Sets the review status and note an analyst chose for an identity. */
export function setReview(db: Db, identityId: number, status: ReviewStatus, note: string, updatedAt = new Date().toISOString()): Review {
  requireIdentity(db, identityId);
  if (note.length > maxNoteLength) throw new ValidationError(`The review note has ${note.length} characters; the limit is ${maxNoteLength}.`);

  db.prepare(
    'INSERT INTO prompt_reviews (identity_id, status, note, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (identity_id) DO UPDATE SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at',
  ).run(identityId, status, note, updatedAt);
  log.info('review set', { identityId, status });
  return getReview(db, identityId);
}

/**
 * Records that a generator replaced an identity's prompt. A reply that failed
 * a check flags the identity with the reasons. A passing one makes an earlier
 * mark stale, so the identity goes back to 'unreviewed' and keeps its note.
 */
export function markGenerated(db: Db, identityId: number, failures: readonly string[]): void {
  if (failures.length > 0) {
    setReview(db, identityId, 'flagged', `Generated prompt failed checks: ${failures.join(' ')}`.slice(0, maxNoteLength));
    return;
  }
  const current = getReview(db, identityId);
  if (current.status !== 'unreviewed') setReview(db, identityId, 'unreviewed', current.note);
}

function requireIdentity(db: Db, identityId: number): void {
  if (!db.prepare('SELECT 1 FROM identities WHERE id = ?').get(identityId)) {
    throw new NotFoundError(`Identity ${identityId} does not exist in this workspace.`);
  }
}
