import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../main/db/workspace';
import type { PromptRecord } from '../../main/prompts/api-schemas';
import { readRecords, writeRecords } from '../../main/prompts/exchange-formats';
import { chatSubject } from '../../main/prompts/generate-prompts';
import { getImplicitPrompt } from '../../main/prompts/implicit-prompt';
import { editPrompt } from '../../main/prompts/prompt-editing';
import { exportPrompts, importPrompts } from '../../main/prompts/prompt-exchange';
import { collectRecords } from '../../main/prompts/prompt-records';
import { appendRevision, findPromptRow, getPromptView, listRevisions } from '../../main/prompts/prompt-store';
import { setReview } from '../../main/prompts/reviews';
import { vqaSubject } from '../../main/prompts/vqa/run-vqa';
import { insertDataset, openTestWorkspace, smallDukeDataset, useTempDirs, type InsertedDataset } from './fixtures';

const tempDir = useTempDirs();

const imagePath = 'bounding_box_train/0001_c2_f0046182.jpg';

/** Texts a naive CSV writer would break: quotes, commas, line breaks, leading spaces, non-ASCII. */
const awkwardText = ' A man, 1.8 m "tall",\nwearing a café-brown coat;\r\nno bag. ';

function fixture() {
  const dataset = smallDukeDataset();
  dataset.identities[0].images = [{ path: imagePath, split: 'train', cameraId: 2 }];
  return dataset;
}

/** Builds a workspace with prompts of every kind, an edit, a flagged reply and reviews. */
function populatedWorkspace(): { db: Db; dataset: InsertedDataset } {
  const db = openTestWorkspace(tempDir('exchange'));
  const dataset = insertDataset(db, fixture());
  const id = (personId: number) => dataset.identityIds.get(personId)!;

  appendRevision(db, chatSubject(dataset.datasetId, id(1)), { text: awkwardText, source: 'generated', generator: 'chat', model: 'm', instructionVersion: 1, cacheKey: 'k1' });
  const second = appendRevision(db, chatSubject(dataset.datasetId, id(2)), { text: 'A woman in a hat.', source: 'generated', generator: 'template', model: 'template-v1' });
  editPrompt(db, second.promptId, 'A woman in a red hat.', second.number);
  appendRevision(db, chatSubject(dataset.datasetId, id(3)), {
    text: '',
    source: 'generated',
    generator: 'chat',
    model: 'm',
    failedChecks: [{ check: 'empty', message: 'The reply is empty.' }],
  });
  appendRevision(db, vqaSubject(dataset.datasetId, 'vqa_answer', dataset.imageIds.get(imagePath)!, 'headwear'), { text: 'no', source: 'generated', generator: 'vqa-chat', model: 'v' });
  appendRevision(db, vqaSubject(dataset.datasetId, 'vqa_sentence', dataset.imageIds.get(imagePath)!, 'headwear'), { text: 'The person is not wearing a hat.', source: 'generated', generator: 'vqa-chat', model: 'v' });
  getImplicitPrompt(db, dataset.datasetId);
  setReview(db, id(2), 'reviewed', 'Checked, "fine", thanks,\nJo');
  setReview(db, id(3), 'flagged', 'Empty reply.');
  return { db, dataset };
}

/** Drops the fields that are local history (revision numbers and sources), keeping what an export carries between workspaces. */
function content(records: PromptRecord[]) {
  return records.map(({ revision: _revision, source: _source, ...rest }) => rest);
}

function freshCopy() {
  const db = openTestWorkspace(tempDir('exchange-target'));
  const dataset = insertDataset(db, fixture());
  return { db, dataset };
}

describe('prompt export', () => {
  it('rejects a folder as the output file', () => {
    const { db, dataset } = populatedWorkspace();
    const folder = tempDir('exchange-folder');

    expect(() => exportPrompts(db, dataset.datasetId, 'csv', folder)).toThrow(/is a folder; pass the path of the file to write/);
    expect(readdirSync(folder)).toEqual([]);
    db.close();
  });

  it('rejects a missing output folder', () => {
    const { db, dataset } = populatedWorkspace();
    const file = `${tempDir('exchange-missing')}/absent/prompts.csv`;

    expect(() => exportPrompts(db, dataset.datasetId, 'csv', file)).toThrow(/folder .*absent does not exist/);
    db.close();
  });

  it('lists every prompt kind and review', () => {
    const { db, dataset } = populatedWorkspace();

    const records = collectRecords(db, dataset.datasetId);

    expect(records.map((record) => record.kind)).toEqual(['implicit', 'chat', 'chat', 'chat', 'vqa_answer', 'vqa_sentence', 'review', 'review']);
    expect(records[4]).toMatchObject({ personId: 1, imagePath, questionKey: 'headwear', text: 'no' });
    db.close();
  });

  for (const format of ['json', 'csv'] as const) {
    it(`round-trips ${format} text without loss`, () => {
      const { db, dataset } = populatedWorkspace();
      const records = collectRecords(db, dataset.datasetId);

      const text = writeRecords(format, { name: 'duke-small', layout: 'dukemtmc' }, records);

      expect(readRecords(format, text, `export.${format}`)).toEqual(records);
      db.close();
    });

    it(`imports ${format} into a fresh workspace`, () => {
      const source = populatedWorkspace();
      const file = `${tempDir('exchange-file')}/prompts.${format}`;
      exportPrompts(source.db, source.dataset.datasetId, format, file);
      const target = freshCopy();

      const report = importPrompts(target.db, target.dataset.datasetId, { filePath: file }, { onConflict: 'abort' });

      expect(report).toMatchObject({ applied: true, records: 8, created: 8, updated: 0, conflicts: [] });
      expect(content(collectRecords(target.db, target.dataset.datasetId))).toEqual(content(collectRecords(source.db, source.dataset.datasetId)));
      const imported = collectRecords(target.db, target.dataset.datasetId).filter((record) => record.kind === 'chat');
      expect(imported.every((record) => record.source === 'imported')).toBe(true);
      source.db.close();
      target.db.close();
    });
  }

  it('changes nothing when imported into its own workspace', () => {
    const { db, dataset } = populatedWorkspace();
    const exported = exportPrompts(db, dataset.datasetId, 'json');

    const report = importPrompts(db, dataset.datasetId, { format: 'json', content: exported.content! }, { onConflict: 'abort' });

    expect(report).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 8 });
    db.close();
  });

  it('applies edits made in the file', () => {
    const { db, dataset } = populatedWorkspace();
    const records = collectRecords(db, dataset.datasetId);
    const edited = records.map((record) => (record.kind === 'chat' && record.personId === 2 ? { ...record, text: 'A woman in a blue hat.' } : record));

    const report = importPrompts(db, dataset.datasetId, { format: 'csv', content: writeRecords('csv', { name: 'x', layout: 'dukemtmc' }, edited) }, { onConflict: 'abort' });

    expect(report).toMatchObject({ applied: true, updated: 1, conflicts: [] });
    expect(chatText(db, dataset, 2)).toBe('A woman in a blue hat.');
    db.close();
  });
});

describe('prompt import conflicts', () => {
  function editedAfterExport() {
    const { db, dataset } = populatedWorkspace();
    const exported = exportPrompts(db, dataset.datasetId, 'json');
    const promptId = findPromptRow(db, chatSubject(dataset.datasetId, dataset.identityIds.get(1)!))!.id;
    editPrompt(db, promptId, 'Analyst edit after the export.', getPromptView(db, promptId).current.number);
    // The file changes the same prompt, as a colleague editing the exported file would.
    const file = JSON.parse(exported.content!) as { records: PromptRecord[] };
    file.records = file.records.map((record) => (record.kind === 'chat' && record.personId === 1 ? { ...record, text: 'Colleague edit.' } : record));
    file.records = file.records.map((record) => (record.kind === 'chat' && record.personId === 3 ? { ...record, text: 'Filled in by a colleague.' } : record));
    return { db, dataset, content: JSON.stringify(file), promptId };
  }

  it('reports the conflict and writes nothing', () => {
    const { db, dataset, content: file, promptId } = editedAfterExport();
    const revisionsBefore = listRevisions(db, promptId).length;

    const report = importPrompts(db, dataset.datasetId, { format: 'json', content: file }, { onConflict: 'abort' });

    expect(report.applied).toBe(false);
    expect(report.conflicts).toEqual([
      { kind: 'chat', personId: 1, imagePath: null, questionKey: null, localRevision: 2, localText: 'Analyst edit after the export.', importedText: 'Colleague edit.' },
    ]);
    expect(report.updated).toBe(1);
    expect(chatText(db, dataset, 1)).toBe('Analyst edit after the export.');
    expect(chatText(db, dataset, 3)).toBe('');
    expect(listRevisions(db, promptId)).toHaveLength(revisionsBefore);
    db.close();
  });

  it('keeps local edits on request', () => {
    const { db, dataset, content: file } = editedAfterExport();

    const report = importPrompts(db, dataset.datasetId, { format: 'json', content: file }, { onConflict: 'keepLocal' });

    expect(report).toMatchObject({ applied: true, updated: 1, skippedConflicts: 1 });
    expect(chatText(db, dataset, 1)).toBe('Analyst edit after the export.');
    expect(chatText(db, dataset, 3)).toBe('Filled in by a colleague.');
    db.close();
  });

  it('overwrites on request and keeps history', () => {
    const { db, dataset, content: file, promptId } = editedAfterExport();

    importPrompts(db, dataset.datasetId, { format: 'json', content: file }, { onConflict: 'overwrite' });

    expect(chatText(db, dataset, 1)).toBe('Colleague edit.');
    expect(listRevisions(db, promptId).map((revision) => revision.source)).toEqual(['generated', 'edited', 'imported']);
    db.close();
  });

  it('reports a review changed after the export', () => {
    const { db, dataset } = populatedWorkspace();
    const exported = exportPrompts(db, dataset.datasetId, 'csv');
    setReview(db, dataset.identityIds.get(3)!, 'reviewed', 'Now fine.', '2099-01-01T00:00:00.000Z');
    const records = readRecords('csv', exported.content!, 'export.csv').map((record) => (record.kind === 'review' && record.personId === 3 ? { ...record, text: 'Still empty.' } : record));

    const report = importPrompts(db, dataset.datasetId, { format: 'json', content: JSON.stringify({ format: 'mpreid-prompts', version: 1, dataset: { name: 'x', layout: 'dukemtmc' }, exportedAt: '', records }) }, { onConflict: 'abort' });

    expect(report.applied).toBe(false);
    expect(report.conflicts).toMatchObject([{ kind: 'review', personId: 3, localText: 'reviewed: Now fine.', importedText: 'Still empty.' }]);
    db.close();
  });

  it('writes nothing on a dry run', () => {
    const source = populatedWorkspace();
    const target = freshCopy();
    const exported = exportPrompts(source.db, source.dataset.datasetId, 'json');

    const report = importPrompts(target.db, target.dataset.datasetId, { format: 'json', content: exported.content! }, { onConflict: 'abort', dryRun: true });

    expect(report).toMatchObject({ applied: false, created: 8 });
    expect(collectRecords(target.db, target.dataset.datasetId)).toEqual([]);
    source.db.close();
    target.db.close();
  });

  it('writes nothing when one record does not match', () => {
    const source = populatedWorkspace();
    const target = freshCopy();
    const records = collectRecords(source.db, source.dataset.datasetId);
    records.push({ ...records.find((record) => record.kind === 'chat')!, personId: 4242 });

    const run = () => importPrompts(target.db, target.dataset.datasetId, { format: 'csv', content: writeRecords('csv', { name: 'x', layout: 'dukemtmc' }, records) }, { onConflict: 'overwrite' });

    expect(run).toThrow(/chat of person 4242 names a person id this dataset does not have/);
    expect(collectRecords(target.db, target.dataset.datasetId)).toEqual([]);
    source.db.close();
    target.db.close();
  });

  it('rejects duplicates, bad headers and foreign files', () => {
    const { db, dataset } = populatedWorkspace();
    const records = collectRecords(db, dataset.datasetId);
    const csv = writeRecords('csv', { name: 'x', layout: 'dukemtmc' }, [...records, records[1]]);

    expect(() => importPrompts(db, dataset.datasetId, { format: 'csv', content: csv }, { onConflict: 'abort' })).toThrow(/lists the chat of person 1 twice/);
    expect(() => importPrompts(db, dataset.datasetId, { format: 'csv', content: 'a,b\r\n1,2\r\n' }, { onConflict: 'abort' })).toThrow(/has the header "a,b"/);
    expect(() => importPrompts(db, dataset.datasetId, { format: 'json', content: '{"format":"other"}' }, { onConflict: 'abort' })).toThrow(/is not a prompt export/);
    expect(() => importPrompts(db, dataset.datasetId, { filePath: '/nonexistent/prompts.json' }, { onConflict: 'abort' })).toThrow(/Cannot read the prompt export/);
    db.close();
  });
});

function chatText(db: Db, dataset: InsertedDataset, personId: number): string {
  const row = findPromptRow(db, chatSubject(dataset.datasetId, dataset.identityIds.get(personId)!))!;
  return getPromptView(db, row.id).current.text;
}
