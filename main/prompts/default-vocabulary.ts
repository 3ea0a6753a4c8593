import type { WordRole } from './api-schemas';

/** Words for one coded attribute value and the part of a sentence they fill. */
export interface WordChoice {
  word: string | null;
  role: WordRole;
}

type ValueWords = Record<number, string | null>;

/**
 * Built-in words for the attribute names of Market-1501_Attribute and
 * DukeMTMC-attribute (Lin et al.). Codes follow those files: 1 = no and
 * 2 = yes unless the attribute is listed with other meanings. A "no" maps to
 * null, so absent items are left out of prompts rather than negated.
 */
const namedAttributes: Record<string, { role: WordRole; words: ValueWords }> = {
  gender: { role: 'subject', words: { 1: 'male', 2: 'female' } },
  age: { role: 'subject', words: { 1: 'young', 2: 'teenage', 3: 'adult', 4: 'old' } },
  hair: { role: 'with', words: { 1: 'short hair', 2: 'long hair' } },
  up: { role: 'wearing', words: { 1: 'long sleeves', 2: 'short sleeves' } },
  down: { role: 'wearing', words: { 1: 'long lower-body clothing', 2: 'short lower-body clothing' } },
  clothes: { role: 'wearing', words: { 1: 'a dress', 2: 'pants' } },
  top: { role: 'wearing', words: { 1: 'short upper-body clothing', 2: 'long upper-body clothing' } },
  shoes: { role: 'wearing', words: { 1: 'dark shoes', 2: 'light shoes' } },
  boots: { role: 'wearing', words: { 1: null, 2: 'boots' } },
  hat: { role: 'wearing', words: { 1: null, 2: 'a hat' } },
  backpack: { role: 'carrying', words: { 1: null, 2: 'a backpack' } },
  bag: { role: 'carrying', words: { 1: null, 2: 'a bag' } },
  handbag: { role: 'carrying', words: { 1: null, 2: 'a handbag' } },
};

/** Colour attributes such as upred or downblue: 2 means the clothing has that colour. */
const colourAttribute = /^(up|down)(black|white|red|purple|yellow|gray|grey|blue|green|brown|pink|orange)$/;

const garment = { up: 'upper-body clothing', down: 'lower-body clothing' } as const;

/**
 * Default words for one coded value. Attributes the built-in table does not
 * know use their yes/no name ("umbrella" for code 2) or the meaning the
 * importer stored for the code.
 */
export function defaultWordChoice(attribute: string, value: number, meaning: string): WordChoice {
  const named = namedAttributes[attribute];
  if (named) return { role: named.role, word: Object.hasOwn(named.words, value) ? named.words[value] : meaning };

  const colour = colourAttribute.exec(attribute);
  if (colour) {
    const [, part, name] = colour as unknown as [string, 'up' | 'down', string];
    return { role: 'wearing', word: value === 2 ? `${name} ${garment[part]}` : null };
  }

  if (meaning === 'yes') return { role: 'with', word: attribute };
  if (meaning === 'no') return { role: 'with', word: null };
  return { role: 'with', word: meaning };
}
