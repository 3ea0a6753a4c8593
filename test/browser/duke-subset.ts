import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const dukeDir = join(import.meta.dirname, '../../../shared/data/DukeMTMC-reID');

export interface DukeSubset {
  rootDir: string;
  personIds: string[];
  /** Identities in the subset: the query identities and the distractor identities. */
  identityCount: number;
  queryImages: number;
  galleryImages: number;
}

/**
 * Copies the query and gallery images of the first `identities` query
 * identities, plus the first two gallery images of each of `distractors / 2`
 * identities that have no query, into an evaluation-only Duke folder (no
 * bounding_box_train).
 */
export function buildDukeSubset(rootDir: string, identities = 8, distractors = 40): DukeSubset {
  const queryNames = readdirSync(join(dukeDir, 'query')).sort();
  const galleryNames = readdirSync(join(dukeDir, 'bounding_box_test')).sort();
  const personIds = [...new Set(queryNames.map(personOf))].slice(0, identities);
  const chosen = new Set(personIds);
  const queryPeople = new Set(queryNames.map(personOf));

  const query = queryNames.filter((name) => chosen.has(personOf(name)));
  const galleryOfChosen = galleryNames.filter((name) => chosen.has(personOf(name)));
  const others = firstPerPerson(
    galleryNames.filter((name) => !queryPeople.has(personOf(name))),
    2,
  ).slice(0, distractors);

  copyAll(query, join(dukeDir, 'query'), join(rootDir, 'query'));
  copyAll([...galleryOfChosen, ...others], join(dukeDir, 'bounding_box_test'), join(rootDir, 'bounding_box_test'));
  const identityCount = new Set([...query, ...galleryOfChosen, ...others].map(personOf)).size;
  return { rootDir, personIds, identityCount, queryImages: query.length, galleryImages: galleryOfChosen.length + others.length };
}

function personOf(fileName: string): string {
  return fileName.slice(0, fileName.indexOf('_'));
}

function firstPerPerson(names: string[], perPerson: number): string[] {
  const takenPerPerson = new Map<string, number>();
  return names.filter((name) => {
    const count = takenPerPerson.get(personOf(name)) ?? 0;
    takenPerPerson.set(personOf(name), count + 1);
    return count < perPerson;
  });
}

function copyAll(names: string[], fromDir: string, toDir: string): void {
  mkdirSync(toDir, { recursive: true });
  for (const name of names) copyFileSync(join(fromDir, name), join(toDir, name));
}
