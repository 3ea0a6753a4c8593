import { describe, expect, it } from 'vitest';
import { importDataset, listIdentities, updateAttribute } from '../../main/datasets';
import { silentProgress } from '../../main/jobs/progress';
import { dukeAttributes, dukeSubset, materialise, openTestWorkspace, useTempDirs } from './fixtures';

const tempDir = useTempDirs();

async function importedDuke() {
  const dir = tempDir('attribute-edits');
  const db = openTestWorkspace(dir);
  const report = await importDataset(db, { datasetDir: materialise(`${dir}/duke`, dukeSubset()), attributesFile: dukeAttributes }, silentProgress());
  const identityId = listIdentities(db, { datasetId: report.datasetId, split: 'train', offset: 0, limit: 1 }).items[0].identityId;
  return { db, identityId };
}

describe('updateAttribute', () => {
  it('corrects a coded value', async () => {
    const { db, identityId } = await importedDuke();

    const updated = updateAttribute(db, { identityId, name: 'hat', value: 2 });

    const hat = updated.attributes.find((attribute) => attribute.name === 'hat');
    expect(hat).toMatchObject({ value: 2, meaning: 'yes' });
    expect(hat?.choices.map((choice) => choice.value)).toEqual([1, 2]);
    db.close();
  });

  it('rejects a code the attribute does not define', async () => {
    const { db, identityId } = await importedDuke();

    expect(() => updateAttribute(db, { identityId, name: 'hat', value: 7 })).toThrow(/Code 7 is not valid for attribute "hat"; expected one of 1 \(no\), 2 \(yes\)/);
    db.close();
  });

  it('rejects an unknown attribute name', async () => {
    const { db, identityId } = await importedDuke();

    expect(() => updateAttribute(db, { identityId, name: 'wings', value: 1 })).toThrow(/Attribute "wings" is not defined/);
    db.close();
  });

  it('rejects an unknown identity', async () => {
    const { db } = await importedDuke();

    expect(() => updateAttribute(db, { identityId: 999_999, name: 'hat', value: 1 })).toThrow(/Identity 999999 does not exist/);
    db.close();
  });
});
