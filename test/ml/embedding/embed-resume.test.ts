import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../main/api/schemas';
import { CancelledError, DatasetFormatError, InternalError, NotFoundError } from '../../../main/errors';
import { silentProgress, type ProgressReporter } from '../../../main/jobs/progress';
import { embedDataset } from '../../../main/ml/embedding';
import { registerModel } from '../../../main/ml/models';
import { dukeFileNames, dukeRoot, insertDukeImages, openTempWorkspace, osnetCard, osnetModelPath, type TempWorkspace } from './fixtures';

let workspace: TempWorkspace;
let model: ModelSummary;

beforeEach(async () => {
  workspace = openTempWorkspace('mpreid-resume-');
  model = await registerModel(workspace.db, { filePath: osnetModelPath, card: osnetCard });
});
afterEach(() => workspace.dispose());

/** One worker and small requests and chunks, so that requests finish in file order and commits are frequent. */
const smallSteps = { workers: 1, imagesPerRequest: 2, requestsPerWorker: 2, chunkSize: 4 };

function countEmbeddings(): number {
  return (workspace.db.prepare('SELECT COUNT(*) AS count FROM embeddings WHERE model_hash = ?').get(model.contentHash) as { count: number }).count;
}

/** Returns a progress reporter that requests cancellation once `limit` images are done. */
function cancellingProgress(limit: number): ProgressReporter {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    update: (_phase, done) => {
      if (done >= limit) controller.abort();
    },
    throwIfCancelled: () => {
      if (controller.signal.aborted) throw new CancelledError();
    },
  };
}

/** Copies Duke query files into a dataset folder of the workspace, where a test may break them. */
function copyQueryFiles(names: string[]): string {
  const rootDir = join(workspace.directory, 'dataset');
  mkdirSync(join(rootDir, 'query'), { recursive: true });
  for (const name of names) copyFileSync(join(dukeRoot, 'query', name), join(rootDir, 'query', name));
  return rootDir;
}

describe('embedDataset resume', () => {
  it('cancel keeps commits and resume finishes', async () => {
    const { datasetId } = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 40) });

    const cancelled = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, cancellingProgress(8), smallSteps);

    await expect(cancelled).rejects.toThrow(CancelledError);
    const committed = countEmbeddings();
    expect(committed).toBeGreaterThanOrEqual(8);
    expect(committed).toBeLessThan(40);

    const resumed = await embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    expect(resumed.cached).toBe(committed);
    expect(resumed.embedded).toBe(40 - committed);
    expect(countEmbeddings()).toBe(40);
  });

  it('cancelled before start embeds nothing', async () => {
    const { datasetId } = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 4) });
    const controller = new AbortController();
    controller.abort();

    await expect(embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(controller.signal))).rejects.toThrow(CancelledError);
    expect(countEmbeddings()).toBe(0);
  });

  it('corrupt image names the file and keeps commits', async () => {
    const names = dukeFileNames('query', 11);
    const rootDir = copyQueryFiles(names);
    const corruptPath = join(rootDir, 'query', names[10]);
    writeFileSync(corruptPath, readFileSync(corruptPath).subarray(0, 400));
    const { datasetId } = await insertDukeImages(workspace.db, { query: names }, { rootDir });

    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    await expect(attempt).rejects.toThrow(DatasetFormatError);
    await expect(attempt).rejects.toThrow(corruptPath);
    expect(countEmbeddings()).toBe(10);
  });

  it('JPEG cut off in its scan data names the file', async () => {
    const names = dukeFileNames('query', 3);
    const rootDir = copyQueryFiles(names);
    const cutPath = join(rootDir, 'query', names[2]);
    const bytes = readFileSync(cutPath);
    writeFileSync(cutPath, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const { datasetId } = await insertDukeImages(workspace.db, { query: names }, { rootDir });

    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    await expect(attempt).rejects.toThrow(DatasetFormatError);
    await expect(attempt).rejects.toThrow(cutPath);
  });

  it('garbage image names the file', async () => {
    const names = dukeFileNames('query', 3);
    const rootDir = copyQueryFiles(names);
    const garbagePath = join(rootDir, 'query', names[1]);
    writeFileSync(garbagePath, 'this is no image');
    const { datasetId } = await insertDukeImages(workspace.db, { query: names }, { rootDir });

    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    await expect(attempt).rejects.toThrow(DatasetFormatError);
    await expect(attempt).rejects.toThrow(garbagePath);
  });

  it('failed commit stops the job', async () => {
    const { datasetId } = await insertDukeImages(workspace.db, { query: dukeFileNames('query', 12) });
    workspace.db.exec(`CREATE TRIGGER reject_fifth_embedding BEFORE INSERT ON embeddings WHEN (SELECT COUNT(*) FROM embeddings) >= 4
      BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);

    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    await expect(attempt).rejects.toThrow(InternalError);
    await expect(attempt).rejects.toThrow(/simulated write failure.*embeddings of 4 images/);
    expect(countEmbeddings()).toBe(4);
  });

  it('missing image names the file', async () => {
    const names = dukeFileNames('query', 3);
    const rootDir = copyQueryFiles(names);
    const { datasetId } = await insertDukeImages(workspace.db, { query: names }, { rootDir });
    const missingPath = join(rootDir, 'query', names[2]);
    rmSync(missingPath);

    const attempt = embedDataset(workspace.db, { datasetId, modelId: model.modelId }, silentProgress(), smallSteps);

    await expect(attempt).rejects.toThrow(NotFoundError);
    await expect(attempt).rejects.toThrow(missingPath);
  });
});
