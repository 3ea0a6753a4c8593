import type { Db } from '../../db/workspace';
import type { VqaAggregate, VqaQuestion } from '../api-schemas';
import { unknownAnswer } from './answer-parsing';
import { composeVqaSentence } from './vqa-sentences';

/**
 * Aggregates the current VQA answers of an identity's images per question:
 * the most frequent answer (ties go to the alphabetically first, so the
 * result is stable), the share of answered images that gave it, and its sentence.
 */
export function aggregateIdentityAnswers(db: Db, identityId: number, questions: readonly VqaQuestion[]): VqaAggregate[] {
  const rows = db
    .prepare(
      `SELECT prompts.question_key, revisions.text
       FROM prompts
       JOIN images ON images.id = prompts.image_id
       JOIN prompt_revisions AS revisions ON revisions.prompt_id = prompts.id AND revisions.number = prompts.current_revision
       WHERE images.identity_id = ? AND prompts.kind = 'vqa_answer'`,
    )
    .all(identityId) as { question_key: string; text: string }[];

  return questions.map((question) => {
    const answers = rows.filter((row) => row.question_key === question.key && row.text !== unknownAnswer).map((row) => row.text);
    return aggregateAnswers(question, answers);
  });
}

export function aggregateAnswers(question: VqaQuestion, answers: readonly string[]): VqaAggregate {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);

  let best: [string, number] | null = null;
  for (const entry of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (best === null || entry[1] > best[1]) best = entry;
  }

  return {
    questionKey: question.key,
    question: question.question,
    answer: best?.[0] ?? null,
    share: best ? best[1] / answers.length : 0,
    answeredImages: answers.length,
    sentence: best ? composeVqaSentence(question, best[0]) : null,
  };
}
