import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingContractEntries } from '../../../main/api/training-contract';
import { openWorkspace, type Db } from '../../../main/db/workspace';
import { CancelledError, NotFoundError } from '../../../main/errors';
import { silentProgress } from '../../../main/jobs/progress';
import { trainAttributeHeads, type AttributeHeadsResult } from '../../../main/ml/attributes';
import { vqaProviderSchema } from '../../../main/prompts/vqa/vqa-schemas';
import { parseAnswer } from '../../../main/prompts/vqa/answer-parsing';
import { createOnnxAnswerProvider } from '../../../main/prompts/vqa/onnx-answer-provider';
import { defaultQuestionBank } from '../../../main/prompts/vqa/question-bank';
import { dukeRoot } from '../../helpers/duke-features';
import { useTempDirs } from '../../helpers/temp-dirs';
import { createDukeAttributeWorkspace, type DukeAttributeWorkspace } from './duke-attribute-workspace';

/*
 * 200 training identities (5 images each) and 60 held-out test identities
 * (their query images and 4 gallery images each) of DukeMTMC-reID, imported
 * with the DukeMTMC-attribute file into a real workspace.
 */
const directory = mkdtempSync(join(tmpdir(), 'mpreid-attribute-heads-'));
let db: Db;
let workspace: DukeAttributeWorkspace;
let result: AttributeHeadsResult;

beforeAll(async () => {
  db = openWorkspace(join(directory, 'workspace.mpreid'));
  workspace = await createDukeAttributeWorkspace(db, join(directory, 'duke'), { trainIdentities: 200, testIdentities: 60 });
  const request = { datasetId: workspace.datasetId, imageModelId: workspace.modelId, epochs: 30, seed: 1, outputDir: join(directory, 'models') };
  result = await trainAttributeHeads(db, request, silentProgress());
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Share of the test images whose identity has the most frequent gender code, read from the workspace. */
function genderMajorityShare(): number {
  const rows = db
    .prepare(
      `SELECT v.value AS code, COUNT(*) AS images
         FROM images i
         JOIN attribute_values v ON v.identity_id = i.identity_id
         JOIN attribute_schemas s ON s.id = v.attribute_id AND s.name = 'gender'
        WHERE i.dataset_id = ? AND i.split IN ('query', 'gallery')
        GROUP BY v.value`,
    )
    .all(workspace.datasetId) as { code: number; images: number }[];
  const total = rows.reduce((sum, row) => sum + row.images, 0);
  return Math.max(...rows.map((row) => row.images)) / total;
}

describe('trainAttributeHeads', () => {
  it('fits the API output schema', () => {
    const output = trainingContractEntries['attributes.heads.train'].output.parse(result);
    expect(output.accuracy.map((head) => head.attribute)).toEqual(expect.arrayContaining(['gender', 'hat', 'backpack', 'up_colour', 'down_colour']));
    expect(output.meanAccuracy).toBeGreaterThan(0);
    expect(output.meanAccuracy).toBeLessThanOrEqual(1);
    expect(existsSync(output.modelPath)).toBe(true);
  });

  it('beats majority gender on held-out identities', () => {
    const gender = result.accuracy.find((head) => head.attribute === 'gender')!;
    const testImages = db.prepare("SELECT COUNT(*) AS count FROM images WHERE dataset_id = ? AND split IN ('query', 'gallery')").get(workspace.datasetId) as { count: number };

    expect(gender.images).toBe(testImages.count);
    expect(gender.accuracy).toBeGreaterThan(genderMajorityShare() + 0.05);
  });

  it('maps the bank questions', () => {
    expect([...result.questionKeys].sort()).toEqual(['carried_item', 'gender', 'headwear', 'lower_clothing', 'upper_clothing']);
    expect(result.vqaProvider).toEqual(vqaProviderSchema.parse(result.vqaProvider));
    expect(result.vqaProvider.kind === 'onnx' && result.vqaProvider.outputs.map((output) => output.questionKey)).toEqual(result.questionKeys);
  });

  it('answers a real image through the provider', async () => {
    const provider = await createOnnxAnswerProvider({ ...result.vqaConfig, executionProvider: 'cpu' });
    const questions = defaultQuestionBank.filter((question) => provider.supports(question));
    const image = { imageId: 1, filePath: join(dukeRoot, 'query/0005_c2_f0046985.jpg') };

    const answers = await provider.answer(image, questions, new AbortController().signal);
    await provider.close();

    expect(answers.map((answer) => answer.questionKey).sort()).toEqual([...result.questionKeys].sort());
    for (const answer of answers) {
      const question = questions.find((candidate) => candidate.key === answer.questionKey)!;
      expect(answer.answer, answer.questionKey).not.toBeNull();
      expect(parseAnswer(question, answer.answer!).answer, answer.questionKey).toBe(answer.answer);
    }
  });
});

describe('trainAttributeHeads errors', () => {
  const temporaryDirectory = useTempDirs();

  it('rejects missing embeddings', async () => {
    const root = temporaryDirectory('attribute-heads-bare');
    const bare = openWorkspace(join(root, 'workspace.mpreid'));
    try {
      const subset = await createDukeAttributeWorkspace(bare, join(root, 'duke'), { trainIdentities: 3, testIdentities: 2, withEmbeddings: false });
      const train = trainAttributeHeads(bare, { datasetId: subset.datasetId, imageModelId: subset.modelId, epochs: 1, seed: 1, outputDir: join(root, 'models') }, silentProgress());

      await expect(train).rejects.toThrow(NotFoundError);
      await expect(train).rejects.toThrow(/Run embeddings first/);
    } finally {
      bare.close();
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const train = trainAttributeHeads(db, { datasetId: workspace.datasetId, imageModelId: workspace.modelId, epochs: 1, seed: 1, outputDir: join(directory, 'cancelled') }, silentProgress(controller.signal));

    await expect(train).rejects.toThrow(CancelledError);
  });
});
