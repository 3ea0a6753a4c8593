import type { Db } from '../db/workspace';
import { ValidationError } from '../errors';
import { createLogger } from '../log';
import type { PromptKind, PromptRevision, PromptView } from './api-schemas';
import { validateImplicitTemplate } from './implicit-prompt';
import { appendToPrompt, getPromptView, listRevisions, readRevision, requirePromptRow } from './prompt-store';
import { diffWords, type DiffSegment } from './text-diff';
import { undoRedoTargets } from './undo-history';

const log = createLogger('Prompts');

export const maxPromptLength = 5000;

/**
 * Saves an analyst's text as a new revision. `expectedRevision` is the
 * revision the analyst started from; ConflictError names the current one when
 * another edit got there first. Saving the current text again changes nothing.
 */
export function editPrompt(db: Db, promptId: number, text: string, expectedRevision: number): PromptView {
  const row = requirePromptRow(db, promptId);
  validateAnalystText(row.kind, text);

  const unchanged = row.current_revision === expectedRevision && readRevision(db, promptId, expectedRevision).text === text;
  if (unchanged) return getPromptView(db, promptId);

  appendToPrompt(db, promptId, expectedRevision, () => ({ text, source: 'edited' }));
  log.info('prompt edited', { promptId, kind: row.kind });
  return getPromptView(db, promptId);
}

/** Restores the text of an earlier revision as a new revision, keeping that revision's generator details. */
export function revertPrompt(db: Db, promptId: number, revision: number, expectedRevision: number): PromptView {
  const target = readRevision(db, promptId, revision);
  appendToPrompt(db, promptId, expectedRevision, () => copyOf(target, 'change'));
  log.info('prompt reverted', { promptId, revision });
  return getPromptView(db, promptId);
}

/** Undoes the last change (an edit, generation, import, revert or redo) by restoring the text it replaced. */
export function undoPrompt(db: Db, promptId: number, expectedRevision: number): PromptView {
  return restoreFromHistory(db, promptId, expectedRevision, 'undo');
}

export function redoPrompt(db: Db, promptId: number, expectedRevision: number): PromptView {
  return restoreFromHistory(db, promptId, expectedRevision, 'redo');
}

function restoreFromHistory(db: Db, promptId: number, expectedRevision: number, action: 'undo' | 'redo'): PromptView {
  appendToPrompt(db, promptId, expectedRevision, () => {
    const targets = undoRedoTargets(listRevisions(db, promptId));
    const target = action === 'undo' ? targets.undo : targets.redo;
    if (target === null) throw new ValidationError(`Prompt ${promptId} has nothing to ${action}.`);
    return copyOf(readRevision(db, promptId, target), action);
  });
  log.info(`prompt ${action === 'undo' ? 'undone' : 'redone'}`, { promptId });
  return getPromptView(db, promptId);
}

function copyOf(target: PromptRevision, action: 'change' | 'undo' | 'redo') {
  return {
    text: target.text,
    source: 'reverted' as const,
    action,
    restores: target.number,
    generator: target.generator,
    model: target.model,
    instructionVersion: target.instructionVersion,
    cacheKey: target.cacheKey,
    failedChecks: target.failedChecks,
    detail: target.detail,
  };
}

/** Compares two revisions of a prompt word by word, the earlier one first. */
export function compareRevisions(db: Db, promptId: number, from: number, to: number): { from: PromptRevision; to: PromptRevision; segments: DiffSegment[] } {
  const before = readRevision(db, promptId, from);
  const after = readRevision(db, promptId, to);
  return { from: before, to: after, segments: diffWords(before.text, after.text) };
}

/** Checks a text that an analyst typed; generated replies are stored as they come, empty ones included. */
export function validateAnalystText(kind: PromptKind, text: string): void {
  if (text.trim() === '') throw new ValidationError(`The ${kindLabel(kind)} is empty. Write the text, or revert to an earlier revision.`);
  if (text.length > maxPromptLength) {
    throw new ValidationError(`The ${kindLabel(kind)} has ${text.length} characters; the limit is ${maxPromptLength}.`);
  }
  if (kind === 'implicit') validateImplicitTemplate(text);
}

/**
 * Checks an imported text. An export contains generated replies as they came,
 * empty or overlong ones included, so only the implicit template's own rule applies.
 */
export function validateImportedText(kind: PromptKind, text: string): void {
  if (kind === 'implicit') validateImplicitTemplate(text);
}

function kindLabel(kind: PromptKind): string {
  return { chat: 'ChatGPT prompt', vqa_answer: 'VQA answer', vqa_sentence: 'VQA sentence', implicit: 'implicit prompt template' }[kind];
}
