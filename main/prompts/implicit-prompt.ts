import type { Db } from '../db/workspace';
import { ValidationError } from '../errors';
import type { PromptView } from './api-schemas';
import { appendRevision, findPromptRow, getPromptView, type PromptSubject } from './prompt-store';
import { requireDatasetRow } from './vocabulary';

/**
 * The implicit prompt of CLIP-ReID and MP-ReID: each standalone "X" is a
 * learnable token embedding, learned per identity; four by default.
 */
export const defaultImplicitTemplate = 'A photo of a X X X X person.';

/** CLIP's text encoder reads 77 tokens, start and end tokens included. */
const maxLearnableTokens = 70;

export function countLearnableTokens(template: string): number {
  return template.split(/\s+/).filter((token) => token.replace(/[.,;:!?]+$/, '') === 'X').length;
}

export function validateImplicitTemplate(template: string): void {
  const tokens = countLearnableTokens(template);
  if (tokens === 0) {
    throw new ValidationError(`The implicit prompt template "${template}" has no learnable token. Write each learnable token as a separate capital X, as in "${defaultImplicitTemplate}".`);
  }
  if (tokens > maxLearnableTokens) {
    throw new ValidationError(`The implicit prompt template has ${tokens} learnable tokens; at most ${maxLearnableTokens} fit CLIP's 77-token context.`);
  }
}

export function implicitSubject(datasetId: number): PromptSubject {
  return { datasetId, kind: 'implicit', identityId: null, imageId: null, questionKey: null };
}

/** Returns the dataset's implicit prompt template, storing the default as revision 1 on first use. */
export function getImplicitPrompt(db: Db, datasetId: number): PromptView {
  requireDatasetRow(db, datasetId);
  const subject = implicitSubject(datasetId);
  const promptId = db
    .transaction(() => {
      const existing = findPromptRow(db, subject);
      if (existing) return existing.id;
      return appendRevision(db, subject, { text: defaultImplicitTemplate, source: 'generated', generator: 'default' }).promptId;
    })
    .immediate();
  return getPromptView(db, promptId);
}
