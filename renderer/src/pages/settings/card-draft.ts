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

/** ImageNet statistics on [0, 1] pixels, the usual normalisation of ReID backbones. */
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

/** Checks the draft against the API's model card schema; returns the card or an error per field. */
export function validateDraft(draft: CardDraft): { card: ModelCard } | { errors: CardFieldErrors } {
  const parsed = modelCardSchema.safeParse({ ...draft, layout: 'NCHW', distance: 'euclidean' });
  if (parsed.success) return { card: parsed.data };

  const errors: CardFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CardField;
    const channel = typeof issue.path[1] === 'number' ? ` (channel ${issue.path[1] + 1})` : '';
    errors[field] ??= `${issue.message}${channel}`;
  }
  return { errors };
}
