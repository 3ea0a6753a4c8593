import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../main/db/workspace';
import { ConflictError } from '../../main/errors';
import { chatSubject } from '../../main/prompts/generate-prompts';
import { getImplicitPrompt } from '../../main/prompts/implicit-prompt';
import { compareRevisions, editPrompt, redoPrompt, revertPrompt, undoPrompt } from '../../main/prompts/prompt-editing';
import { appendRevision, getPromptView, listRevisions } from '../../main/prompts/prompt-store';
import { insertDataset, openTestWorkspace, smallDukeDataset, useTempDirs } from './fixtures';

const tempDir = useTempDirs();

function setUp() {
  const dir = tempDir('revisions');
  const db = openTestWorkspace(dir);
  const dataset = insertDataset(db, smallDukeDataset());
  const subject = chatSubject(dataset.datasetId, dataset.identityIds.get(1)!);
  const { promptId } = appendRevision(db, subject, { text: 'A man with a backpack.', source: 'generated', generator: 'template', model: 'template-v1' });
  return { dir, db, dataset, promptId };
}

describe('prompt revisions', () => {
  it('records every change with its source', () => {
    const { db, promptId } = setUp();

    editPrompt(db, promptId, 'A tall man with a backpack.', 1);
    editPrompt(db, promptId, 'A tall man with a black backpack.', 2);
    const history = listRevisions(db, promptId);

    expect(history.map((revision) => [revision.number, revision.source, revision.text])).toEqual([
      [1, 'generated', 'A man with a backpack.'],
      [2, 'edited', 'A tall man with a backpack.'],
      [3, 'edited', 'A tall man with a black backpack.'],
    ]);
    expect(history[0].generator).toBe('template');
    expect(history[1].generator).toBeNull();
    expect(getPromptView(db, promptId).current.number).toBe(3);
    db.close();
  });

  it('keeps the revision when the text is unchanged', () => {
    const { db, promptId } = setUp();

    const view = editPrompt(db, promptId, 'A man with a backpack.', 1);

    expect(view.current.number).toBe(1);
    expect(listRevisions(db, promptId)).toHaveLength(1);
    db.close();
  });

  it('rejects an empty edit', () => {
    const { db, promptId } = setUp();

    expect(() => editPrompt(db, promptId, '  ', 1)).toThrow(/The ChatGPT prompt is empty/);
    db.close();
  });

  it('compares two revisions', () => {
    const { db, promptId } = setUp();
    editPrompt(db, promptId, 'A man with a red backpack.', 1);

    const comparison = compareRevisions(db, promptId, 1, 2);

    expect(comparison.from.text).toBe('A man with a backpack.');
    expect(comparison.segments.filter((segment) => segment.op === 'insert').map((segment) => segment.text)).toEqual(['red ']);
    expect(comparison.segments.filter((segment) => segment.op === 'delete')).toEqual([]);
    db.close();
  });

  it('reverts to an earlier revision as a new one', () => {
    const { db, promptId } = setUp();
    editPrompt(db, promptId, 'Second.', 1);
    editPrompt(db, promptId, 'Third.', 2);

    const view = revertPrompt(db, promptId, 1, 3);

    expect(view.current).toMatchObject({ number: 4, text: 'A man with a backpack.', source: 'reverted', restores: 1, generator: 'template' });
    expect(listRevisions(db, promptId)).toHaveLength(4);
    db.close();
  });

  it('undoes and redoes changes', () => {
    const { db, promptId } = setUp();
    editPrompt(db, promptId, 'B.', 1);
    editPrompt(db, promptId, 'C.', 2);

    const afterFirstUndo = undoPrompt(db, promptId, 3);
    const afterSecondUndo = undoPrompt(db, promptId, 4);
    const afterRedo = redoPrompt(db, promptId, 5);

    expect(afterFirstUndo.current.text).toBe('B.');
    expect(afterSecondUndo.current.text).toBe('A man with a backpack.');
    expect(afterSecondUndo.undoTarget).toBeNull();
    expect(afterRedo.current.text).toBe('B.');
    expect(afterRedo.redoTarget).not.toBeNull();
    expect(redoPrompt(db, promptId, 6).current.text).toBe('C.');
    expect(listRevisions(db, promptId).map((revision) => revision.action)).toEqual(['change', 'change', 'change', 'undo', 'undo', 'redo', 'redo']);
    db.close();
  });

  it('clears redo after a new edit', () => {
    const { db, promptId } = setUp();
    editPrompt(db, promptId, 'B.', 1);
    undoPrompt(db, promptId, 2);

    const view = editPrompt(db, promptId, 'D.', 3);

    expect(view.redoTarget).toBeNull();
    expect(() => redoPrompt(db, promptId, 4)).toThrow(/has nothing to redo/);
    expect(undoPrompt(db, promptId, 4).current.text).toBe('A man with a backpack.');
    db.close();
  });

  it('rejects the second of two racing edits', () => {
    const { dir, db, promptId } = setUp();
    const otherWindow = openWorkspace(join(dir, 'workspace.mpreid'));
    const seenByBoth = getPromptView(db, promptId).current.number;

    editPrompt(db, promptId, 'Edit from the first window.', seenByBoth);
    const second = () => editPrompt(otherWindow, promptId, 'Edit from the second window.', seenByBoth);

    expect(second).toThrow(ConflictError);
    expect(second).toThrow(/is at revision 2 \(edited at .*\), but this change was based on revision 1/);
    expect(getPromptView(otherWindow, promptId).current.text).toBe('Edit from the first window.');
    otherWindow.close();
    db.close();
  });

  it('checks the expected revision of undo and revert', () => {
    const { db, promptId } = setUp();
    editPrompt(db, promptId, 'B.', 1);

    expect(() => undoPrompt(db, promptId, 1)).toThrow(ConflictError);
    expect(() => revertPrompt(db, promptId, 1, 1)).toThrow(/is at revision 2/);
    db.close();
  });
});

describe('implicit prompt', () => {
  it('starts from the default template', () => {
    const { db, dataset } = setUp();

    const view = getImplicitPrompt(db, dataset.datasetId);

    expect(view.current.text).toBe('A photo of a X X X X person.');
    expect(getImplicitPrompt(db, dataset.datasetId).promptId).toBe(view.promptId);
    db.close();
  });

  it('requires a learnable token', () => {
    const { db, dataset } = setUp();
    const view = getImplicitPrompt(db, dataset.datasetId);

    expect(() => editPrompt(db, view.promptId, 'A photo of a person.', 1)).toThrow(/has no learnable token/);
    expect(editPrompt(db, view.promptId, 'A photo of a X X person.', 1).current.text).toBe('A photo of a X X person.');
    db.close();
  });
});
