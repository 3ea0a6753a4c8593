import type { Db } from '../db/workspace';
import type { WordRole } from './api-schemas';
import { readVocabulary } from './vocabulary';

/** One labelled attribute of an identity with the words the vocabulary gives its value. */
export interface AttributeLabel {
  attribute: string;
  value: number;
  meaning: string;
  /** Null when the vocabulary leaves this value out of prompts. */
  word: string | null;
  role: WordRole;
}

export interface LabelledIdentity {
  identityId: number;
  personId: number;
  /** Labels in attribute file order; empty when the identity has no attribute row. */
  labels: AttributeLabel[];
}

/** Returns the words of the labels in attribute file order, without the values the vocabulary leaves out. */
export function wordsOf(labels: readonly AttributeLabel[]): string[] {
  return labels.flatMap((label) => (label.word === null ? [] : [label.word]));
}

/**
 * Reads the attribute labels of a dataset's identities, ordered by person id.
 * With `personIds`, only those identities; the caller checks that they exist.
 */
export function readLabelledIdentities(db: Db, datasetId: number, personIds?: readonly number[]): LabelledIdentity[] {
  const vocabulary = readVocabulary(db, datasetId);
  const byAttributeId = new Map(vocabulary.map((attribute) => [attribute.attributeId, attribute]));
  const position = new Map(vocabulary.map((attribute, index) => [attribute.attributeId, index]));

  const identities = db.prepare('SELECT id, person_id FROM identities WHERE dataset_id = ? ORDER BY person_id').all(datasetId) as { id: number; person_id: number }[];
  const wanted = personIds ? new Set(personIds) : null;
  const chosen = identities.filter((identity) => wanted === null || wanted.has(identity.person_id));

  const values = db
    .prepare('SELECT attribute_values.identity_id, attribute_values.attribute_id, attribute_values.value FROM attribute_values JOIN identities ON identities.id = attribute_values.identity_id WHERE identities.dataset_id = ?')
    .all(datasetId) as { identity_id: number; attribute_id: number; value: number }[];
  const valuesByIdentity = new Map<number, { attribute_id: number; value: number }[]>();
  for (const row of values) {
    const list = valuesByIdentity.get(row.identity_id) ?? [];
    list.push(row);
    valuesByIdentity.set(row.identity_id, list);
  }

  return chosen.map((identity) => {
    const rows = (valuesByIdentity.get(identity.id) ?? []).sort((a, b) => position.get(a.attribute_id)! - position.get(b.attribute_id)!);
    const labels = rows.map((row) => toLabel(byAttributeId.get(row.attribute_id)!, row.value));
    return { identityId: identity.id, personId: identity.person_id, labels };
  });
}

function toLabel(attribute: ReturnType<typeof readVocabulary>[number], value: number): AttributeLabel {
  const entry = attribute.values.get(value);
  // A stored code outside the schema's meanings cannot come from the importer; show it without words.
  if (!entry) return { attribute: attribute.name, value, meaning: String(value), word: null, role: 'with' };
  return { attribute: attribute.name, value, meaning: entry.meaning, word: entry.word, role: entry.role };
}
