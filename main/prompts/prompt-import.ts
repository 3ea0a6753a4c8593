import type { Db } from '../db/workspace';
import { ValidationError } from '../errors';
import { createLogger } from '../log';
import type { ConflictPolicy, ImportConflict, PromptImportReport, PromptRecord, PromptRevision } from './api-schemas';
import { validateImportedText } from './prompt-editing';
import { describeRecord } from './prompt-records';
import { appendRevision, findPromptRow, readRevision, type PromptSubject } from './prompt-store';
import { getReview, setReview } from './reviews';
import { requireDatasetRow } from './vocabulary';

const log = createLogger('Prompts');

export interface ImportOptions {
  /** 'abort' writes nothing when any record conflicts; 'keepLocal' skips conflicting records; 'overwrite' applies them. */
  onConflict: ConflictPolicy;
  /** Plan the import and report what it would do, writing nothing. */
  dryRun?: boolean;
}

/** One record matched to the workspace, with what importing it would do. */
type Plan =
  | { action: 'create' | 'update' | 'unchanged'; record: PromptRecord; subject: PromptSubject; expectedRevision: number | null; conflict: null }
  | { action: 'conflict'; record: PromptRecord; subject: PromptSubject; expectedRevision: number; conflict: ImportConflict }
  | { action: 'create' | 'update' | 'unchanged' | 'conflict'; record: PromptRecord; identityId: number; conflict: ImportConflict | null };

/** Sources that mean an analyst chose the text; an import must not replace them unseen. */
const analystSources = new Set(['edited', 'reverted']);

/**
 * Imports prompt records into a dataset in one transaction: every record is
 * matched and checked first, and either all planned changes are written or
 * none. A record conflicts when it would replace an analyst's edit (or
 * review) that the exported file did not contain; see ImportOptions for
 * what happens then.
 */
export function importRecords(db: Db, datasetId: number, records: readonly PromptRecord[], options: ImportOptions): PromptImportReport {
  requireDatasetRow(db, datasetId);
  const lookup = createLookup(db, datasetId);
  requireUniqueSubjects(records);

  return db
    .transaction(() => {
      const plans = records.map((record) => planRecord(db, lookup, record));
      const conflicts = plans.flatMap((plan) => (plan.conflict ? [plan.conflict] : []));
      const report = summarise(datasetId, plans, conflicts);
      if (options.dryRun || (conflicts.length > 0 && options.onConflict === 'abort')) return report;

      for (const plan of plans) {
        if (plan.action === 'unchanged' || (plan.action === 'conflict' && options.onConflict === 'keepLocal')) continue;
        applyPlan(db, plan);
      }
      report.applied = true;
      report.skippedConflicts = options.onConflict === 'keepLocal' ? conflicts.length : 0;
      log.info('prompts imported', { datasetId, created: report.created, updated: report.updated, conflicts: conflicts.length, policy: options.onConflict });
      return report;
    })
    .immediate();
}

interface Lookup {
  datasetId: number;
  identityByPerson: Map<number, number>;
  imageByPath: Map<string, number>;
}

function createLookup(db: Db, datasetId: number): Lookup {
  const identities = db.prepare('SELECT id, person_id FROM identities WHERE dataset_id = ?').all(datasetId) as { id: number; person_id: number }[];
  const images = db.prepare('SELECT id, path FROM images WHERE dataset_id = ?').all(datasetId) as { id: number; path: string }[];
  return {
    datasetId,
    identityByPerson: new Map(identities.map((row) => [row.person_id, row.id])),
    imageByPath: new Map(images.map((row) => [row.path, row.id])),
  };
}

function requireUniqueSubjects(records: readonly PromptRecord[]): void {
  const seen = new Set<string>();
  for (const record of records) {
    const key = describeRecord(record);
    if (seen.has(key)) throw new ValidationError(`The import lists the ${key} twice. Keep one record per prompt and review.`);
    seen.add(key);
  }
}

function planRecord(db: Db, lookup: Lookup, record: PromptRecord): Plan {
  if (record.kind === 'review') return planReview(db, lookup, record);

  validateImportedText(record.kind, record.text);
  const subject = resolveSubject(lookup, record);
  const row = findPromptRow(db, subject);
  if (!row) return { action: 'create', record, subject, expectedRevision: null, conflict: null };

  const current = readRevision(db, row.id, row.current_revision);
  if (sameContent(current, record)) return { action: 'unchanged', record, subject, expectedRevision: row.current_revision, conflict: null };

  const overwritesEdit = analystSources.has(current.source) && record.revision !== row.current_revision;
  if (!overwritesEdit) return { action: 'update', record, subject, expectedRevision: row.current_revision, conflict: null };
  return { action: 'conflict', record, subject, expectedRevision: row.current_revision, conflict: conflictOf(record, row.current_revision, current.text) };
}

function planReview(db: Db, lookup: Lookup, record: PromptRecord): Plan {
  const identityId = requireIdentity(lookup, record);
  if (record.reviewStatus === null) throw new ValidationError(`The ${describeRecord(record)} has no review status; expected unreviewed, reviewed or flagged.`);

  const local = getReview(db, identityId);
  if (local.status === record.reviewStatus && local.note === record.text) return { action: 'unchanged', record, identityId, conflict: null };
  if (local.updatedAt === null) return { action: 'create', record, identityId, conflict: null };

  // Review times play the role of revision numbers: a different time means the local review changed after the export.
  if (local.updatedAt === record.createdAt) return { action: 'update', record, identityId, conflict: null };
  const localText = `${local.status}${local.note ? `: ${local.note}` : ''}`;
  return { action: 'conflict', record, identityId, conflict: conflictOf(record, null, localText) };
}

function resolveSubject(lookup: Lookup, record: PromptRecord): PromptSubject {
  const base = { datasetId: lookup.datasetId, kind: record.kind as PromptSubject['kind'] };
  if (record.kind === 'implicit') return { ...base, identityId: null, imageId: null, questionKey: null };
  if (record.kind === 'chat') return { ...base, identityId: requireIdentity(lookup, record), imageId: null, questionKey: null };

  const imageId = record.imagePath === null ? undefined : lookup.imageByPath.get(record.imagePath);
  if (imageId === undefined) throw new ValidationError(`The ${describeRecord(record)} names an image this dataset does not have. Import into the dataset the prompts were exported from.`);
  if (!record.questionKey) throw new ValidationError(`The ${describeRecord(record)} has no question key.`);
  return { ...base, identityId: null, imageId, questionKey: record.questionKey };
}

function requireIdentity(lookup: Lookup, record: PromptRecord): number {
  const identityId = record.personId === null ? undefined : lookup.identityByPerson.get(record.personId);
  if (identityId === undefined) throw new ValidationError(`The ${describeRecord(record)} names a person id this dataset does not have. Import into the dataset the prompts were exported from.`);
  return identityId;
}

function sameContent(current: PromptRevision, record: PromptRecord): boolean {
  return (
    current.text === record.text &&
    current.generator === record.generator &&
    current.model === record.model &&
    current.instructionVersion === record.instructionVersion &&
    current.cacheKey === record.cacheKey &&
    JSON.stringify(current.failedChecks) === JSON.stringify(record.failedChecks)
  );
}

function conflictOf(record: PromptRecord, localRevision: number | null, localText: string): ImportConflict {
  return { kind: record.kind, personId: record.personId, imagePath: record.imagePath, questionKey: record.questionKey, localRevision, localText, importedText: record.text };
}

function applyPlan(db: Db, plan: Plan): void {
  const { record } = plan;
  if ('identityId' in plan) {
    setReview(db, plan.identityId, record.reviewStatus!, record.text, record.createdAt ?? undefined);
    return;
  }

  appendRevision(
    db,
    plan.subject,
    {
      text: record.text,
      source: 'imported',
      generator: record.generator,
      model: record.model,
      instructionVersion: record.instructionVersion,
      cacheKey: record.cacheKey,
      failedChecks: record.failedChecks,
      detail: { importedSource: record.source, importedRevision: record.revision },
      createdAt: record.createdAt ?? undefined,
    },
    plan.expectedRevision,
  );
}

function summarise(datasetId: number, plans: Plan[], conflicts: ImportConflict[]): PromptImportReport {
  const countOf = (action: Plan['action']) => plans.filter((plan) => plan.action === action).length;
  return {
    datasetId,
    records: plans.length,
    applied: false,
    created: countOf('create'),
    updated: countOf('update'),
    unchanged: countOf('unchanged'),
    skippedConflicts: 0,
    conflicts,
  };
}
