import type { IdentityDetail } from '../../../../main/api/schemas';
import { api } from '../../api/client';

/** Coded attribute values by identity id, read once per identity for the attribute filter. */
const valuesByIdentity = new Map<number, Map<string, number>>();

/** Returns the identity's coded attribute values by attribute name, reading them on first use. */
export async function readAttributeValues(identityId: number): Promise<Map<string, number>> {
  const known = valuesByIdentity.get(identityId);
  if (known) return known;
  return rememberAttributes(await api['identities.get']({ identityId }));
}

/** Stores an identity's current values, for instance after an analyst corrected one. */
export function rememberAttributes(detail: IdentityDetail): Map<string, number> {
  const values = new Map(detail.attributes.map((attribute) => [attribute.name, attribute.value]));
  valuesByIdentity.set(detail.identityId, values);
  return values;
}
