import { describe, expect, it } from 'vitest';
import { readAttributeFile } from '../../main/datasets';
import { readLabelledIdentities, wordsOf } from '../../main/prompts/attribute-words';
import { defaultWordChoice } from '../../main/prompts/default-vocabulary';
import { composeTemplateSentence } from '../../main/prompts/template-sentence';
import { listVocabulary, updateVocabulary } from '../../main/prompts/vocabulary';
import { dukeAttributesFile, insertDataset, marketAttributesFile, openTestWorkspace, smallDukeDataset, useTempDirs } from './fixtures';

const tempDir = useTempDirs();

describe('attribute vocabulary', () => {
  it('maps Market colour codes to words', () => {
    expect(defaultWordChoice('upred', 2, 'yes')).toEqual({ word: 'red upper-body clothing', role: 'wearing' });
    expect(defaultWordChoice('upred', 1, 'no')).toEqual({ word: null, role: 'wearing' });
    expect(defaultWordChoice('downgray', 2, 'yes')).toEqual({ word: 'gray lower-body clothing', role: 'wearing' });
  });

  it('has words for every real Market and Duke attribute', async () => {
    const files = [
      { file: marketAttributesFile, layout: 'market1501' as const },
      { file: dukeAttributesFile, layout: 'dukemtmc' as const },
    ];
    for (const { file, layout } of files) {
      const table = await readAttributeFile(file, layout);
      for (const attribute of table.attributes) {
        const words = Object.entries(attribute.valueMeanings).map(([code, meaning]) => defaultWordChoice(attribute.name, Number(code), meaning).word);
        // Every attribute has words for at least one code and never falls back to a bare "yes".
        expect(words.some((word) => word !== null), `${layout} ${attribute.name}`).toBe(true);
        expect(words, `${layout} ${attribute.name}`).not.toContain('yes');
      }
    }
  });

  it('lists built-in words per dataset', () => {
    const db = openTestWorkspace(tempDir('vocabulary'));
    const { datasetId } = insertDataset(db, smallDukeDataset());

    const entries = listVocabulary(db, datasetId);

    expect(entries).toHaveLength(23 * 2);
    expect(entries.find((entry) => entry.attribute === 'top' && entry.value === 2)).toEqual({
      attribute: 'top', value: 2, meaning: 'long upper-body clothing', word: 'long upper-body clothing', role: 'wearing', isDefault: true,
    });
    db.close();
  });

  it('applies and removes edits', () => {
    const db = openTestWorkspace(tempDir('vocabulary'));
    const { datasetId } = insertDataset(db, smallDukeDataset());

    updateVocabulary(db, datasetId, [
      { attribute: 'upblack', value: 2, word: 'a black top' },
      { attribute: 'hat', value: 1, word: 'no hat', role: 'with' },
    ]);
    const [first] = readLabelledIdentities(db, datasetId, [1]);

    expect(wordsOf(first.labels)).toContain('a black top');
    expect(wordsOf(first.labels)).toContain('no hat');
    expect(listVocabulary(db, datasetId).filter((entry) => !entry.isDefault)).toHaveLength(2);

    updateVocabulary(db, datasetId, [{ attribute: 'upblack', value: 2, word: 'black upper-body clothing' }]);

    expect(listVocabulary(db, datasetId).filter((entry) => !entry.isDefault).map((entry) => entry.attribute)).toEqual(['hat']);
    db.close();
  });

  it('rejects unknown attributes and codes', () => {
    const db = openTestWorkspace(tempDir('vocabulary'));
    const { datasetId } = insertDataset(db, smallDukeDataset());

    expect(() => updateVocabulary(db, datasetId, [{ attribute: 'umbrella', value: 2, word: 'an umbrella' }])).toThrow(/Attribute "umbrella" is not in this dataset/);
    expect(() => updateVocabulary(db, datasetId, [{ attribute: 'hat', value: 3, word: 'two hats' }])).toThrow(/has no code 3; its codes are 1, 2/);
    db.close();
  });
});

describe('template sentence', () => {
  it('composes words by role', () => {
    const db = openTestWorkspace(tempDir('template'));
    const { datasetId } = insertDataset(db, smallDukeDataset());

    const sentences = readLabelledIdentities(db, datasetId).map((identity) => composeTemplateSentence(identity.labels));

    expect(sentences).toEqual([
      'A male person, wearing dark shoes, long upper-body clothing, blue lower-body clothing and black upper-body clothing, carrying a backpack.',
      'A female person, wearing a hat, dark shoes, short upper-body clothing, black lower-body clothing and red upper-body clothing.',
      'A male person, wearing light shoes, long upper-body clothing, gray lower-body clothing and white upper-body clothing, carrying a handbag.',
    ]);
    db.close();
  });

  it('gives the same sentence for the same labels', () => {
    const labels = [
      { attribute: 'gender', value: 2, meaning: 'female', word: 'female', role: 'subject' as const },
      { attribute: 'hair', value: 2, meaning: 'long hair', word: 'long hair', role: 'with' as const },
      { attribute: 'age', value: 3, meaning: 'adult', word: 'adult', role: 'subject' as const },
    ];

    const first = composeTemplateSentence(labels);

    expect(composeTemplateSentence(structuredClone(labels))).toBe(first);
    expect(first).toBe('A female adult person with long hair.');
  });

  it('describes an identity with no words as a person', () => {
    expect(composeTemplateSentence([])).toBe('A person.');
  });
});
