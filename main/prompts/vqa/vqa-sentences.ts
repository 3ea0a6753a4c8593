import type { VqaQuestion } from '../api-schemas';
import { indefiniteArticle } from '../template-sentence';

/** Garments named in the plural, which take no article: "wearing blue jeans", not "a blue jeans". */
const pluralNouns = new Set(['trousers', 'jeans', 'shorts', 'pants', 'leggings', 'shoes', 'boots', 'sneakers', 'glasses', 'sweatpants']);

/**
 * Turns a normalised answer into the question's declarative sentence: the
 * template for that answer, or the '*' template, with `{answer}` and
 * `{article}` filled in. Returns null when no template applies.
 */
export function composeVqaSentence(question: VqaQuestion, answer: string): string | null {
  const template = question.templates[answer] ?? question.templates['*'];
  if (!template) return null;

  const lastWord = answer.split(' ').at(-1) ?? answer;
  const article = pluralNouns.has(lastWord) ? '' : indefiniteArticle(answer);
  return template.replaceAll('{article}', article).replaceAll('{answer}', answer).replace(/ {2,}/g, ' ').trim();
}
