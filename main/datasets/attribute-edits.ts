import type { IdentityDetail } from '../api/schemas';
import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import { createLogger } from '../log';
import type { ValueMeanings } from './attribute-meanings';
import { getIdentity } from './identity-queries';

const log = createLogger('Attributes');

/**
 * Corrects one attribute label of an identity. The code must be one that the
 * dataset's attribute file defines for that attribute, so an edited label
 * keeps a meaning that prompts can be generated from.
 */
export function updateAttribute(db: Db, request: { identityId: number; name: string; value: number }): IdentityDetail {
  const identity = db.prepare('SELECT dataset_id FROM identities WHERE id = ?').get(request.identityId) as { dataset_id: number } | undefined;
  if (!identity) throw new NotFoundError(`Identity ${request.identityId} does not exist in this workspace.`);

  const attribute = db
    .prepare('SELECT id, value_meanings FROM attribute_schemas WHERE dataset_id = ? AND name = ?')
    .get(identity.dataset_id, request.name) as { id: number; value_meanings: string } | undefined;
  if (!attribute) {
    throw new NotFoundError(`Attribute "${request.name}" is not defined for this dataset. Import an attribute file to add attributes.`);
  }
  const meanings = JSON.parse(attribute.value_meanings) as ValueMeanings;
  if (!Object.hasOwn(meanings, String(request.value))) {
    const valid = Object.entries(meanings).map(([code, meaning]) => `${code} (${meaning})`).join(', ');
    throw new ValidationError(`Code ${request.value} is not valid for attribute "${request.name}"; expected one of ${valid}.`);
  }

  db.prepare(
    `INSERT INTO attribute_values (identity_id, attribute_id, value) VALUES (?, ?, ?)
     ON CONFLICT (identity_id, attribute_id) DO UPDATE SET value = excluded.value`,
  ).run(request.identityId, attribute.id, request.value);
  log.info('attribute corrected', { identityId: request.identityId, attribute: request.name, value: request.value });
  return getIdentity(db, request.identityId);
}
