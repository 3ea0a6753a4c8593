import type { RevisionAction } from './api-schemas';

/**
 * Works out what undo and redo would restore by replaying the revision log
 * like an editor's undo and redo stacks. A change pushes the revision it
 * replaced onto the undo stack and clears the redo stack. An undo moves the
 * top of the undo stack to the redo stack, and a redo moves it back. Undo and
 * redo are revisions themselves, so the history never loses a text.
 */
export function undoRedoTargets(revisions: readonly { number: number; action: RevisionAction }[]): { undo: number | null; redo: number | null } {
  const undoStack: number[] = [];
  const redoStack: number[] = [];
  let current: number | null = null;

  for (const revision of revisions) {
    if (revision.action === 'change') {
      if (current !== null) undoStack.push(current);
      redoStack.length = 0;
    } else if (revision.action === 'undo') {
      undoStack.pop();
      if (current !== null) redoStack.push(current);
    } else {
      redoStack.pop();
      if (current !== null) undoStack.push(current);
    }
    current = revision.number;
  }

  return { undo: undoStack.at(-1) ?? null, redo: redoStack.at(-1) ?? null };
}
