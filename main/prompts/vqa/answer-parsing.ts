import type { VqaQuestion } from '../api-schemas';

/** Colour names answers are normalised to, with the spellings and shades folded into each. */
const colourSynonyms: Record<string, readonly string[]> = {
  black: ['black'],
  white: ['white', 'cream', 'ivory'],
  gray: ['gray', 'grey', 'silver', 'charcoal'],
  red: ['red', 'maroon', 'burgundy', 'crimson'],
  orange: ['orange'],
  yellow: ['yellow', 'gold', 'golden'],
  green: ['green', 'olive', 'khaki green'],
  blue: ['blue', 'navy', 'denim', 'teal', 'turquoise'],
  purple: ['purple', 'violet', 'lilac', 'lavender'],
  pink: ['pink', 'magenta'],
  brown: ['brown', 'beige', 'tan', 'khaki', 'camel'],
};

/** Other names of common categories; a category of the question matches itself too. */
const categorySynonyms: Record<string, readonly string[]> = {
  man: ['male', 'boy', 'gentleman'],
  woman: ['female', 'girl', 'lady'],
  't-shirt': ['tshirt', 't shirt', 'tee'],
  shirt: ['blouse', 'polo'],
  sweater: ['jumper', 'pullover', 'sweatshirt', 'hoodie', 'cardigan'],
  jacket: ['windbreaker', 'blazer', 'vest'],
  coat: ['overcoat', 'parka', 'trench coat', 'raincoat'],
  trousers: ['pants', 'slacks', 'leggings', 'sweatpants'],
  shorts: ['short pants'],
  backpack: ['rucksack', 'knapsack'],
  handbag: ['purse', 'clutch'],
  bag: ['shoulder bag', 'tote', 'satchel', 'briefcase', 'shopping bag'],
  none: ['nothing', 'no bag', 'not carrying', 'no'],
};

const yesWords = new Set(['yes', 'yeah', 'yep', 'true', 'correct', 'affirmative']);
const noWords = new Set(['no', 'nope', 'false', 'not', 'none', 'negative']);

/** Text stored as the answer when a provider's output could not be read. */
export const unknownAnswer = 'unknown';

/** An answer reduced to the question's answer type; `answer` is null when the reply could not be read. */
export interface ParsedAnswer {
  answer: string | null;
  raw: string;
}

/**
 * Normalises a free-text VQA reply: yes/no questions give "yes" or "no",
 * colour questions a colour name, and category questions one of their
 * categories, prefixed by a colour ("red jacket") when the question asks for one.
 */
export function parseAnswer(question: VqaQuestion, raw: string): ParsedAnswer {
  const text = ` ${raw.toLowerCase().replace(/[^a-z0-9'-]+/g, ' ').trim()} `;
  if (question.answerType === 'yes_no') return { raw, answer: parseYesNo(text) };
  if (question.answerType === 'colour') return { raw, answer: findColour(text) };

  const category = findCategory(text, question.categories);
  if (category === null || !question.withColour || category === 'none') return { raw, answer: category };
  const colour = findColour(text);
  return { raw, answer: colour ? `${colour} ${category}` : category };
}

function parseYesNo(text: string): string | null {
  const words = text.trim().split(' ');
  if (yesWords.has(words[0])) return 'yes';
  if (noWords.has(words[0])) return 'no';
  if (words.some((word) => noWords.has(word) || word === "isn't" || word === "doesn't")) return 'no';
  if (words.some((word) => yesWords.has(word))) return 'yes';
  return null;
}

/** Finds the colour mentioned first in the text, so "blue jeans and white shoes" gives blue. */
export function findColour(text: string): string | null {
  return earliestMatch(text, Object.entries(colourSynonyms));
}

function findCategory(text: string, categories: readonly string[]): string | null {
  const candidates = categories.map((category) => [category, [category, ...(categorySynonyms[category] ?? [])]] as const);
  // Multi-word and specific names are tried before the bare "no" of "none", so "no, a backpack" reads as backpack.
  const specific = earliestMatch(text, candidates.filter(([category]) => category !== 'none'));
  if (specific !== null) return specific;
  return earliestMatch(text, candidates.filter(([category]) => category === 'none'));
}

function earliestMatch(text: string, candidates: readonly (readonly [string, readonly string[]])[]): string | null {
  let best: { name: string; index: number } | null = null;
  for (const [name, phrases] of candidates) {
    for (const phrase of phrases) {
      const index = text.indexOf(` ${phrase.replace(/[^a-z0-9'-]+/g, ' ')} `);
      if (index !== -1 && (best === null || index < best.index)) best = { name, index };
    }
  }
  return best?.name ?? null;
}
