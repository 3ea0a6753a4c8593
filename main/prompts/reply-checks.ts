import type { ReplyCheckFailure } from './api-schemas';
import { findContradictions } from './contradictions';

/**
 * Tidies a chat reply before it is checked and stored: trims it and drops
 * quotes wrapped around the whole reply, which chat models often add.
 */
export function tidyReply(reply: string): string {
  let text = reply.trim();
  const quotePairs: [string, string][] = [['"', '"'], ['\u201C', '\u201D'], ["'", "'"]];
  for (const [open, close] of quotePairs) {
    if (text.length >= 2 && text.startsWith(open) && text.endsWith(close) && !text.slice(1, -1).includes(open)) {
      text = text.slice(1, -1).trim();
    }
  }
  return text;
}

export interface CheckedLabel {
  attribute: string;
  value: number;
  meaning?: string;
}

/** Counts sentences: runs of text ended by ".", "!" or "?" followed by a space, or separated by line breaks. */
export function countSentences(text: string): number {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((part) => part.trim())
    .filter((part) => /\w/.test(part)).length;
}

/**
 * Checks a generated prompt: not empty, one sentence, at most
 * `maxCharacters` long, and free of phrases that contradict the labels.
 * Returns the failures; an empty list means the reply passed.
 */
export function checkReply(text: string, labels: readonly CheckedLabel[], maxCharacters: number): ReplyCheckFailure[] {
  if (text.trim() === '') return [{ check: 'empty', message: 'The reply is empty.' }];

  const failures: ReplyCheckFailure[] = [];
  const sentences = countSentences(text);
  if (sentences !== 1) failures.push({ check: 'sentences', message: `The reply has ${sentences} sentences; expected one.` });

  if (text.length > maxCharacters) {
    failures.push({ check: 'length', message: `The reply has ${text.length} characters; the limit is ${maxCharacters}.` });
  }

  for (const contradiction of findContradictions(text, labels)) {
    const meaning = labels.find((label) => label.attribute === contradiction.attribute)?.meaning;
    failures.push({
      check: 'contradiction',
      message: `"${contradiction.phrase}" contradicts the label ${contradiction.attribute} = ${contradiction.value}${meaning ? ` (${meaning})` : ''}.`,
    });
  }
  return failures;
}

export function describeFailures(failures: readonly ReplyCheckFailure[]): string {
  return failures.map((failure) => failure.message).join(' ');
}
