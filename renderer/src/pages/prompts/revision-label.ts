import type { PromptRevision } from '../../../../main/prompts/api-schemas';

/** Describes how a revision came about, e.g. "edited", "undo, restores #2" or "reverted to #1". */
export function describeRevision(revision: PromptRevision): string {
  const restored = revision.restores === null ? '' : ` #${revision.restores}`;
  if (revision.action === 'undo') return `undo, restores${restored}`;
  if (revision.action === 'redo') return `redo, restores${restored}`;
  if (revision.source === 'reverted') return `reverted to${restored}`;
  return revision.source;
}
