import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type ApiDispatch } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';

let dir: string;
let context: AppContext;
let dispatch: ApiDispatch;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-jobs-api-'));
  context = createAppContext(join(dir, 'jobs.mpreid'));
  dispatch = createDispatcher(apiHandlers, context);
});

afterEach(() => {
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
});

function insertDataset(name: string): number {
  const info = context.db
    .prepare("INSERT INTO datasets (name, layout, root_dir, evaluation_only, import_report, created_at) VALUES (?, 'dukemtmc', '/data', 1, '{}', '2026-01-01')")
    .run(name);
  return Number(info.lastInsertRowid);
}

/** Starts a job on the dataset that runs until the returned function is called. */
function holdJobOn(datasetId: number): () => Promise<void> {
  let release!: () => void;
  const running = context.jobs.run('embed', { datasetId }, () => new Promise<void>((resolve) => (release = resolve)));
  return async () => {
    release();
    await running;
  };
}

describe('datasets.delete', () => {
  it('refuses while a job uses the dataset', async () => {
    const datasetId = insertDataset('busy');
    const finish = holdJobOn(datasetId);

    await expect(dispatch('datasets.delete', { datasetId })).rejects.toThrow(/in use by the running embed job 1/);

    await finish();
    await expect(dispatch('datasets.delete', { datasetId })).resolves.toEqual({ ok: true });
  });

  it('ignores jobs of other datasets', async () => {
    const busy = insertDataset('busy');
    const idle = insertDataset('idle');
    const finish = holdJobOn(busy);

    await expect(dispatch('datasets.delete', { datasetId: idle })).resolves.toEqual({ ok: true });
    await finish();
  });
});

describe('embeddings.run', () => {
  it('refuses a second embedding of a busy dataset', async () => {
    const datasetId = insertDataset('busy');
    const finish = holdJobOn(datasetId);

    await expect(dispatch('embeddings.run', { datasetId, modelId: 1 })).rejects.toThrow(/Embedding job 1 is already running on dataset/);
    await finish();
  });
});

describe('jobs.cancel', () => {
  it('reports an unknown job as not found', async () => {
    await expect(dispatch('jobs.cancel', { jobId: 99_999 })).rejects.toThrow(/No running job has id 99999/);
  });
});
