import type { WordRole } from './api-schemas';
import type { AttributeLabel } from './attribute-words';

/**
 * Version of the offline sentence pattern below. It is part of the cache key
 * of template prompts, so raising it regenerates them.
 */
export const templateVersion = 1;

/**
 * Composes the "coarse attribute words" sentence of an identity without any
 * model: subject words before "person", then "with", "wearing" and "carrying"
 * phrases in attribute file order. Equal labels always give the same sentence.
 *
 * Example: "A female person with long hair, wearing a hat and blue
 * upper-body clothing, carrying a backpack."
 */
export function composeTemplateSentence(labels: readonly AttributeLabel[]): string {
  const words = groupByRole(labels);
  const subject = [...words.subject, 'person'].join(' ');
  let sentence = `${indefiniteArticle(subject)} ${subject}`;

  if (words.with.length > 0) sentence += ` with ${joinList(words.with)}`;
  if (words.wearing.length > 0) sentence += `, wearing ${joinList(words.wearing)}`;
  if (words.carrying.length > 0) sentence += `, carrying ${joinList(words.carrying)}`;
  return `${capitalise(sentence)}.`;
}

function groupByRole(labels: readonly AttributeLabel[]): Record<WordRole, string[]> {
  const groups: Record<WordRole, string[]> = { subject: [], with: [], wearing: [], carrying: [] };
  for (const label of labels) {
    if (label.word !== null) groups[label.role].push(label.word);
  }
  return groups;
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "an" before a vowel letter, else "a"; a spelling rule that misses words such as "hour" or "uniform". */
export function indefiniteArticle(phrase: string): 'a' | 'an' {
  return /^[aeiou]/i.test(phrase) ? 'an' : 'a';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
