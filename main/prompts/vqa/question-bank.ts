import { z } from 'zod';
import type { Db } from '../../db/workspace';
import { ValidationError } from '../../errors';
import { createLogger } from '../../log';
import { vqaQuestionSchema, type VqaQuestion } from '../api-schemas';
import { readSetting, writeSetting } from '../settings';

const log = createLogger('Prompts');

const questionBankKey = 'prompts.questionBank';

/** The seven default questions; their answers become the VQA prompt sentences of each image. */
export const defaultQuestionBank: readonly VqaQuestion[] = [
  {
    key: 'gender',
    question: 'Is the person a man or a woman?',
    answerType: 'category',
    categories: ['man', 'woman'],
    withColour: false,
    templates: { '*': 'The person is {article} {answer}.' },
  },
  {
    key: 'hair',
    question: 'Does the person have short hair or long hair?',
    answerType: 'category',
    categories: ['short', 'long'],
    withColour: false,
    templates: { '*': 'The person has {answer} hair.' },
  },
  {
    key: 'upper_clothing',
    question: 'What is the person wearing on the upper body, and what colour is it?',
    answerType: 'category',
    categories: ['t-shirt', 'shirt', 'sweater', 'jacket', 'coat', 'dress', 'top'],
    withColour: true,
    templates: { '*': 'The person is wearing {article} {answer} on the upper body.' },
  },
  {
    key: 'lower_clothing',
    question: 'What is the person wearing on the lower body, and what colour is it?',
    answerType: 'category',
    categories: ['trousers', 'jeans', 'shorts', 'skirt', 'dress'],
    withColour: true,
    templates: { '*': 'The person is wearing {article} {answer} on the lower body.' },
  },
  {
    key: 'carried_item',
    question: 'Is the person carrying a backpack, a handbag or another bag?',
    answerType: 'category',
    categories: ['backpack', 'handbag', 'bag', 'none'],
    withColour: false,
    templates: { '*': 'The person is carrying {article} {answer}.', none: 'The person is not carrying a bag.' },
  },
  {
    key: 'headwear',
    question: 'Is the person wearing a hat?',
    answerType: 'yes_no',
    categories: [],
    withColour: false,
    templates: { yes: 'The person is wearing a hat.', no: 'The person is not wearing a hat.' },
  },
  {
    key: 'footwear',
    question: "What colour are the person's shoes?",
    answerType: 'colour',
    categories: [],
    withColour: false,
    templates: { '*': 'The person is wearing {answer} shoes.' },
  },
];

const questionBankSchema = z.array(vqaQuestionSchema).min(1).max(50);

export function readQuestionBank(db: Db): VqaQuestion[] {
  return readSetting(db, questionBankKey, questionBankSchema, () => structuredClone([...defaultQuestionBank]));
}

/** Replaces the question bank after checking that keys are unique and every possible answer has a sentence template. */
export function saveQuestionBank(db: Db, questions: readonly VqaQuestion[]): VqaQuestion[] {
  const parsed = questionBankSchema.parse(questions);
  const keys = new Set<string>();
  for (const question of parsed) {
    if (keys.has(question.key)) throw new ValidationError(`The question bank lists the key "${question.key}" twice; each question needs its own key.`);
    keys.add(question.key);
    validateQuestion(question);
  }

  writeSetting(db, questionBankKey, parsed);
  log.info('question bank saved', { questions: parsed.length });
  return parsed;
}

export function resetQuestionBank(db: Db): VqaQuestion[] {
  db.prepare('DELETE FROM settings WHERE key = ?').run(questionBankKey);
  return readQuestionBank(db);
}

function validateQuestion(question: VqaQuestion): void {
  const templates = question.templates;
  if (question.answerType === 'yes_no') {
    if (!templates.yes || !templates.no) throw new ValidationError(`Question "${question.key}" is a yes/no question, so it needs a "yes" and a "no" template.`);
    return;
  }
  if (question.answerType === 'category' && question.categories.length < 2) {
    throw new ValidationError(`Question "${question.key}" is a category question, so it needs at least two categories.`);
  }
  const uncovered = question.answerType === 'category' ? question.categories.filter((category) => !templates[category]) : ['any colour'];
  if (!templates['*'] && uncovered.length > 0) {
    throw new ValidationError(`Question "${question.key}" has no template for ${uncovered.join(', ')}; add a "*" template that applies to any answer.`);
  }
}

export function findQuestion(questions: readonly VqaQuestion[], key: string): VqaQuestion | undefined {
  return questions.find((question) => question.key === key);
}
