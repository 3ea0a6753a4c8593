import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type ApiDispatch } from '../../main/api/dispatcher';
import { apiHandlers } from '../../main/api/handlers';
import { closeAppContext, createAppContext, type AppContext } from '../../main/app-context';

let dir: string;
let context: AppContext;
let call: ApiDispatch;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpreid-paths-'));
  context = createAppContext(join(dir, 'paths.mpreid'));
  call = createDispatcher(apiHandlers, context);
});

afterAll(() => {
  closeAppContext(context);
  rmSync(dir, { recursive: true, force: true });
});

describe('path inputs', () => {
  it('refuse a relative path', async () => {
    await expect(call('datasets.import', { datasetDir: 'DukeMTMC-reID' })).rejects.toThrow(/expected an absolute path/);
    await expect(call('training.exportTable', { runIds: [1], format: 'csv', filePath: 'runs.csv' })).rejects.toThrow(/expected an absolute path/);
  });

  it('accept POSIX and Windows paths', async () => {
    await expect(call('files.browse', { path: dir })).resolves.toMatchObject({ path: dir });
    await expect(call('models.inspect', { filePath: 'C:\\models\\osnet.onnx' })).rejects.not.toThrow(/expected an absolute path/);
  });
});
