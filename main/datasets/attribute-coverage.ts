import type { ImportReport } from '../api/schemas';
import type { AttributeTable } from './attribute-file';
import { distractorPersonId } from './file-names';

/**
 * Compares the identities of an attribute file with the identities that have
 * images. Distractors (person id 0) show no
 * particular person, so they never count as missing attributes.
 */
export function attributeCoverage(table: AttributeTable, personIdsWithImages: ReadonlySet<number>): NonNullable<ImportReport['attributes']> {
  const identitiesWithoutAttributes: number[] = [];
  let identitiesWithAttributes = 0;
  for (const personId of personIdsWithImages) {
    if (personId === distractorPersonId) continue;
    if (table.rows.has(personId)) identitiesWithAttributes += 1;
    else identitiesWithoutAttributes.push(personId);
  }

  const attributesWithoutImages = [...table.rows.keys()].filter((personId) => !personIdsWithImages.has(personId));
  return {
    file: table.file,
    attributeNames: table.attributes.map((attribute) => attribute.name),
    identitiesWithAttributes,
    identitiesWithoutAttributes: identitiesWithoutAttributes.sort((a, b) => a - b),
    attributesWithoutImages: attributesWithoutImages.sort((a, b) => a - b),
    unlabelledValues: table.unlabelledValues,
  };
}
