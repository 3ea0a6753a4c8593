import type { z } from 'zod';
import { modelCardSchema, type ModelCard } from '../../../../main/api/schemas';

/** The model card as the form edits it: numbers may be empty while the user types. */
export interface CardDraft {
  inputName: string;
  outputName: string;
  height: number | '';
  width: number | '';
  mean: [number | '', number | '', number | ''];
  std: [number | '', number | '', number | ''];
  channelOrder: 'RGB' | 'BGR';
}

export type CardField = keyof CardDraft;
export type CardFieldErrors = Partial<Record<CardField, string>>;

/** Values before a file is inspected: the 256 x 128 input and ImageNet mean and std that most ReID backbones use. */
export const emptyDraft: CardDraft = {
  inputName: '',
  outputName: '',
  height: 256,
  width: 128,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  channelOrder: 'RGB',
};

export function draftFromCard(card: ModelCard): CardDraft {
  return { inputName: card.inputName, outputName: card.outputName, height: card.height, width: card.width, mean: card.mean, std: card.std, channelOrder: card.channelOrder };
}

/** Checks the draft against the API's model card schema and returns either the card or an error per field. */
export function validateDraft(draft: CardDraft): { card: ModelCard } | { errors: CardFieldErrors } {
  const parsed = modelCardSchema.safeParse({ ...draft, layout: 'NCHW', distance: 'euclidean' });
  if (parsed.success) return { card: parsed.data };

  const errors: CardFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CardField;
    const channel = typeof issue.path[1] === 'number' ? issue.path[1] : null;
    const value = channel === null ? draft[field] : (draft[field] as CardDraft['mean'])[channel];
    const problem = value === '' ? 'Required.' : describeIssue(issue);
    errors[field] ??= channel === null ? problem : `${problem} (channel ${channel + 1})`;
  }
  return { errors };
}

/** Rewords the range checks in the user's terms; other issues keep zod's message. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'string') return 'Required.';
  if (issue.code === 'too_small') return issue.inclusive ? `Must be at least ${issue.minimum}.` : `Must be greater than ${issue.minimum}.`;
  if (issue.code === 'too_big') return `Must be at most ${issue.maximum}.`;
  return issue.message;
}
