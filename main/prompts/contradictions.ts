/**
 * Phrases that contradict a labelled attribute value, by attribute name and
 * code (codes as in Market-1501_Attribute and DukeMTMC-attribute). A reply
 * that uses one of them describes something the labels rule out, such as
 * "shorts" for long lower-body clothing. Colour attributes are left out: a
 * colour word may describe another item than the labelled garment.
 */
const contradictionTable: Record<string, Record<number, readonly string[]>> = {
  gender: {
    1: ['woman', 'women', 'female', 'girl', 'lady', 'she', 'her'],
    2: ['man', 'men', 'male', 'boy', 'gentleman', 'he', 'his', 'him'],
  },
  age: {
    1: ['elderly', 'old', 'middle-aged'],
    4: ['child', 'kid', 'teenager', 'teenage', 'young'],
  },
  hair: {
    1: ['long hair'],
    2: ['short hair', 'bald'],
  },
  up: {
    1: ['short sleeves', 'short-sleeved', 'short-sleeve', 'sleeveless', 'tank top'],
    2: ['long sleeves', 'long-sleeved', 'long-sleeve'],
  },
  top: {
    1: ['long sleeves', 'long-sleeved', 'long-sleeve'],
    2: ['short sleeves', 'short-sleeved', 'short-sleeve', 'sleeveless', 'tank top'],
  },
  down: {
    1: ['shorts', 'short skirt', 'miniskirt', 'short pants', 'short lower-body clothing'],
    2: ['trousers', 'jeans', 'long pants', 'long skirt', 'long lower-body clothing'],
  },
  clothes: {
    1: ['trousers', 'jeans', 'pants'],
    2: ['dress', 'skirt'],
  },
  shoes: {
    1: ['light shoes', 'white shoes', 'light-colored shoes', 'light-coloured shoes', 'white sneakers'],
    2: ['dark shoes', 'black shoes', 'dark-colored shoes', 'dark-coloured shoes', 'black boots'],
  },
  hat: { 1: ['hat', 'cap', 'beanie', 'helmet'] },
  boots: { 1: ['boots'] },
  backpack: { 1: ['backpack', 'rucksack'] },
  bag: { 1: ['bag', 'shoulder bag'] },
  handbag: { 1: ['handbag', 'purse'] },
};

/** Words that, shortly before a phrase, negate it: "without a hat", "no backpack", "not wearing boots". */
const negations = new Set(['no', 'not', 'without', 'nor', 'never', "isn't", "doesn't", "aren't", 'neither']);
const negationReach = 3;

export interface Contradiction {
  attribute: string;
  value: number;
  phrase: string;
}

/** Finds phrases in `text` that contradict one of the labels, ignoring negated mentions. */
export function findContradictions(text: string, labels: readonly { attribute: string; value: number }[]): Contradiction[] {
  const lower = text.toLowerCase();
  const found: Contradiction[] = [];
  for (const label of labels) {
    const phrases = contradictionTable[label.attribute]?.[label.value] ?? [];
    for (const phrase of phrases) {
      if (mentionsUnnegated(lower, phrase)) found.push({ attribute: label.attribute, value: label.value, phrase });
    }
  }
  return found;
}

export function contradictionPhrases(attribute: string, value: number): readonly string[] {
  return contradictionTable[attribute]?.[value] ?? [];
}

function mentionsUnnegated(lowerText: string, phrase: string): boolean {
  const pattern = new RegExp(`(?<![\\w-])${escapeRegExp(phrase)}(?![\\w-])`, 'g');
  for (const match of lowerText.matchAll(pattern)) {
    const before = lowerText.slice(0, match.index).split(/[^\w']+/).filter(Boolean).slice(-negationReach);
    if (!before.some((word) => negations.has(word))) return true;
  }
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
