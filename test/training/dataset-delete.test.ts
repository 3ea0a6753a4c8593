import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../main/app-context';
import { getTrainingRun, mpreidTrainer, startTrainingRun, waitForRun } from '../../main/training';
import { runDirectoryFor } from '../../main/training/run-folder';
import { openTrainingWorkspace, vocabularyPath, type TrainingWorkspace } from './fixtures';

let workspace: TrainingWorkspace;

beforeAll(async () => {
  workspace = await openTrainingWorkspace(['train', 'query', 'gallery']);
}, 120_000);

afterAll(() => {
  closeAppContext(workspace.context);
  rmSync(workspace.dir, { recursive: true, force: true });
});

describe('dataset delete', () => {
  it('removes the folders of its training runs', async () => {
    const overrides = { identitiesPerBatch: 4, stage1Epochs: 0, stage2Epochs: 1, stepsPerEpoch: 2, evaluateEachEpoch: false };
    const started = await startTrainingRun(workspace.context, mpreidTrainer, { datasetId: workspace.datasetId, imageModelId: workspace.modelId, preset: 'learnable', vocabularyPath, overrides });
    const status = await waitForRun(workspace.context, started.runId);
    expect(status, JSON.stringify(getTrainingRun(workspace.context.db, started.runId).error)).toBe('succeeded');
    const runDirectory = runDirectoryFor(workspace.context.workspacePath, started.runId);
    expect(existsSync(join(runDirectory, 'journal.json'))).toBe(true);
    writeFileSync(join(runDirectory, 'note.txt'), 'kept by the run');

    await workspace.call('datasets.delete', { datasetId: workspace.datasetId });

    expect(existsSync(runDirectory)).toBe(false);
  }, 120_000);
});
