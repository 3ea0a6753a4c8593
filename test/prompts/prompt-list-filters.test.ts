import { describe, expect, it } from 'vitest';
import { silentProgress } from '../../main/jobs/progress';
import { chatSettingsWith } from '../../main/prompts/api-schemas';
import { generatePrompts } from '../../main/prompts/generate-prompts';
import { listIdentityPrompts } from '../../main/prompts/identity-prompts';
import { dukeTrainingDataset, insertDataset, openTestWorkspace, useTempDirs } from './fixtures';

const tempDir = useTempDirs();

async function dukeWithTemplatePrompts() {
  const db = openTestWorkspace(tempDir('prompt-filters'));
  const dataset = insertDataset(db, await dukeTrainingDataset());
  await generatePrompts(db, { datasetId: dataset.datasetId, generator: 'template' }, silentProgress(), { settings: chatSettingsWith({}) });
  return { db, datasetId: dataset.datasetId };
}

/** Person ids whose identity has the attribute value, read straight from the tables. */
function personIdsWithAttribute(db: ReturnType<typeof openTestWorkspace>, datasetId: number, name: string, value: number): number[] {
  const rows = db
    .prepare(
      `SELECT identities.person_id FROM attribute_values
       JOIN attribute_schemas ON attribute_schemas.id = attribute_values.attribute_id
       JOIN identities ON identities.id = attribute_values.identity_id
       WHERE identities.dataset_id = ? AND attribute_schemas.name = ? AND attribute_values.value = ?
       ORDER BY identities.person_id`,
    )
    .all(datasetId, name, value) as { person_id: number }[];
  return rows.map((row) => row.person_id);
}

describe('listIdentityPrompts filters', () => {
  it('keeps identities with an attribute value', async () => {
    const { db, datasetId } = await dukeWithTemplatePrompts();

    const listed = listIdentityPrompts(db, { datasetId, attribute: { name: 'hat', value: 2 }, offset: 0, limit: 1000 });

    const expected = personIdsWithAttribute(db, datasetId, 'hat', 2);
    expect(expected.length).toBeGreaterThan(0);
    expect(listed.total).toBe(expected.length);
    expect(listed.items.map((item) => item.personId)).toEqual(expected);
  });

  it('keeps prompts containing the text, ignoring case', async () => {
    const { db, datasetId } = await dukeWithTemplatePrompts();
    const all = listIdentityPrompts(db, { datasetId, offset: 0, limit: 1000 }).items;

    const listed = listIdentityPrompts(db, { datasetId, text: 'HAT', offset: 0, limit: 1000 });

    const expected = all.filter((item) => item.text?.toLowerCase().includes('hat')).map((item) => item.personId);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(listed.items.map((item) => item.personId)).toEqual(expected);
  });

  it('combines text and attribute filters', async () => {
    const { db, datasetId } = await dukeWithTemplatePrompts();

    const listed = listIdentityPrompts(db, { datasetId, text: 'backpack', attribute: { name: 'backpack', value: 2 }, offset: 0, limit: 1000 });

    expect(listed.total).toBeGreaterThan(0);
    for (const item of listed.items) expect(item.text?.toLowerCase()).toContain('backpack');
    const withBackpack = new Set(personIdsWithAttribute(db, datasetId, 'backpack', 2));
    for (const item of listed.items) expect(withBackpack.has(item.personId)).toBe(true);
  });
});
