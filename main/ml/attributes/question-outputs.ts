import type { GraphBuilder } from '../graph/graph-builder';
import type { Tensor } from '../graph/tensor';
import { concat, mul, slice, sub } from '../ops';
import type { VqaQuestion } from '../../prompts/api-schemas';
import { parseAnswer } from '../../prompts/vqa/answer-parsing';
import { findQuestion } from '../../prompts/vqa/question-bank';
import type { HeadPlan } from './head-plans';
import { probabilityOutput } from './heads-graph';

/** One model output that answers one question of the VQA bank, with the answer text of each score. */
export interface QuestionOutput {
  questionKey: string;
  outputName: string;
  labels: string[];
}

/** Heads whose classes answer a bank question directly; class meanings such as "male" or "long hair" parse as answers. */
const directQuestions: readonly { questionKey: string; head: string; label: (className: string) => string }[] = [
  { questionKey: 'gender', head: 'gender', label: (name) => name },
  { questionKey: 'hair', head: 'hair', label: (name) => name },
  { questionKey: 'headwear', head: 'hat', label: (name) => name },
  // NOTE: the attribute files give a garment's colour but not its kind, so every answer names a generic "top" or "trousers".
  { questionKey: 'upper_clothing', head: 'up_colour', label: (colour) => `${colour} top` },
  { questionKey: 'lower_clothing', head: 'down_colour', label: (colour) => `${colour} trousers` },
];

/** Yes/no heads of carried items, with the category of the carried_item question each one answers. */
const carriedItems = [
  { head: 'backpack', category: 'backpack' },
  { head: 'handbag', category: 'handbag' },
  { head: 'bag', category: 'bag' },
] as const;

const carriedItemOutput = 'questions/carried_item';

/**
 * Maps the heads to the bank's questions and adds the outputs that combine
 * several heads. Only questions present in `questions` whose every label
 * parses to an answer are mapped, so an edited bank never gets unreadable answers.
 */
export function addQuestionOutputs(graph: GraphBuilder, probabilities: ReadonlyMap<string, Tensor>, plans: readonly HeadPlan[], questions: readonly VqaQuestion[]): QuestionOutput[] {
  const planByName = new Map(plans.map((plan) => [plan.name, plan]));
  const candidates: QuestionOutput[] = [];

  for (const direct of directQuestions) {
    const plan = planByName.get(direct.head);
    if (plan) candidates.push({ questionKey: direct.questionKey, outputName: probabilityOutput(plan.name), labels: plan.classNames.map(direct.label) });
  }
  const carried = carriedItemScores(graph, probabilities, planByName);
  if (carried) candidates.push(carried);

  return candidates.filter((candidate) => {
    const question = findQuestion(questions, candidate.questionKey);
    return question !== undefined && candidate.labels.every((label) => parseAnswer(question, label).answer !== null);
  });
}

/**
 * Adds [batch, items + 1] scores for the carried_item question: the "yes"
 * probability of each carried-item head, then "none" as the product of their
 * "no" probabilities, which treats the heads as independent.
 */
function carriedItemScores(graph: GraphBuilder, probabilities: ReadonlyMap<string, Tensor>, planByName: ReadonlyMap<string, HeadPlan>): QuestionOutput | undefined {
  const items = carriedItems.filter((item) => planByName.get(item.head)?.sources.includes(2) && planByName.get(item.head)?.sources.includes(1));
  if (items.length === 0) return undefined;

  const yesScores = items.map((item) => {
    const yesClass = planByName.get(item.head)!.sources.indexOf(2);
    return slice(probabilities.get(item.head)!, [yesClass], [yesClass + 1], [1]);
  });
  const noneScore = yesScores.map((yes) => sub(1, yes)).reduce((product, no) => mul(product, no));
  graph.output(concat([...yesScores, noneScore], 1), carriedItemOutput);
  return { questionKey: 'carried_item', outputName: carriedItemOutput, labels: [...items.map((item) => item.category), 'none'] };
}
