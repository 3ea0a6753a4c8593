import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import { createLogger } from '../log';
import type { VocabularyEntry, WordRole } from './api-schemas';
import { defaultWordChoice } from './default-vocabulary';

const log = createLogger('Prompts');

interface SchemaRow {
  id: number;
  name: string;
  value_meanings: string;
}

interface OverrideRow {
  attribute_name: string;
  value: number;
  word: string | null;
  role: WordRole;
}

/** An attribute of a dataset with the words of each coded value, in attribute file order. */
export interface VocabularyAttribute {
  attributeId: number;
  name: string;
  values: Map<number, Omit<VocabularyEntry, 'attribute' | 'value'>>;
}

/** Reads the vocabulary of a dataset: built-in words for every coded value, replaced by the dataset's edits. */
export function readVocabulary(db: Db, datasetId: number): VocabularyAttribute[] {
  requireDatasetRow(db, datasetId);
  const schemas = db.prepare('SELECT id, name, value_meanings FROM attribute_schemas WHERE dataset_id = ? ORDER BY position').all(datasetId) as SchemaRow[];
  const overrides = db.prepare('SELECT attribute_name, value, word, role FROM attribute_words WHERE dataset_id = ?').all(datasetId) as OverrideRow[];
  const overrideByKey = new Map(overrides.map((row) => [`${row.attribute_name}\u0000${row.value}`, row]));

  return schemas.map((schema) => {
    const meanings = JSON.parse(schema.value_meanings) as Record<string, string>;
    const values = new Map<number, Omit<VocabularyEntry, 'attribute' | 'value'>>();
    for (const [code, meaning] of Object.entries(meanings)) {
      const value = Number(code);
      const override = overrideByKey.get(`${schema.name}\u0000${value}`);
      const choice = override ?? defaultWordChoice(schema.name, value, meaning);
      values.set(value, { meaning, word: choice.word, role: choice.role, isDefault: override === undefined });
    }
    return { attributeId: schema.id, name: schema.name, values };
  });
}

export function listVocabulary(db: Db, datasetId: number): VocabularyEntry[] {
  return readVocabulary(db, datasetId).flatMap((attribute) =>
    [...attribute.values].map(([value, entry]) => ({ attribute: attribute.name, value, ...entry })),
  );
}

export interface VocabularyChange {
  attribute: string;
  value: number;
  /** New words, or null to leave the value out of prompts. */
  word: string | null;
  role?: WordRole;
}

/**
 * Saves edits of the vocabulary. A change equal to the built-in words removes
 * the override, so later improvements of the defaults reach it.
 */
export function updateVocabulary(db: Db, datasetId: number, changes: readonly VocabularyChange[]): VocabularyEntry[] {
  const vocabulary = readVocabulary(db, datasetId);
  const upsert = db.prepare(
    'INSERT INTO attribute_words (dataset_id, attribute_name, value, word, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dataset_id, attribute_name, value) DO UPDATE SET word = excluded.word, role = excluded.role',
  );
  const remove = db.prepare('DELETE FROM attribute_words WHERE dataset_id = ? AND attribute_name = ? AND value = ?');

  db.transaction(() => {
    for (const change of changes) {
      const entry = requireEntry(vocabulary, change);
      const builtIn = defaultWordChoice(change.attribute, change.value, entry.meaning);
      const word = change.word === null ? null : change.word.trim();
      const role = change.role ?? entry.role;
      if (word === builtIn.word && role === builtIn.role) remove.run(datasetId, change.attribute, change.value);
      else upsert.run(datasetId, change.attribute, change.value, word, role);
    }
  })();

  log.info('vocabulary updated', { datasetId, changes: changes.length });
  return listVocabulary(db, datasetId);
}

function requireEntry(vocabulary: VocabularyAttribute[], change: VocabularyChange) {
  const attribute = vocabulary.find((candidate) => candidate.name === change.attribute);
  if (!attribute) {
    throw new ValidationError(`Attribute "${change.attribute}" is not in this dataset's attribute file; expected one of ${vocabulary.map((a) => a.name).join(', ') || 'none (the dataset has no attributes)'}.`);
  }
  const entry = attribute.values.get(change.value);
  if (!entry) {
    throw new ValidationError(`Attribute "${change.attribute}" has no code ${change.value}; its codes are ${[...attribute.values.keys()].join(', ')}.`);
  }
  return entry;
}

export function requireDatasetRow(db: Db, datasetId: number): { name: string; layout: string } {
  const row = db.prepare('SELECT name, layout FROM datasets WHERE id = ?').get(datasetId) as { name: string; layout: string } | undefined;
  if (!row) throw new NotFoundError(`Dataset ${datasetId} does not exist in this workspace. List the datasets to find its id.`);
  return row;
}
