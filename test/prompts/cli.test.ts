import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../main/prompts/exchange-formats';
import { editPrompt } from '../../main/prompts/prompt-editing';
import { startOpenAiTestServer, type OpenAiTestServer } from '../helpers/openai-test-server';
import { insertDataset, openTestWorkspace, smallDukeDataset, useTempDirs } from './fixtures';

const cli = resolve(import.meta.dirname, '../../bin/mpreid.mjs');
const tempDir = useTempDirs();
let server: OpenAiTestServer;

beforeAll(async () => {
  server = await startOpenAiTestServer();
});
afterAll(() => server.close());

/** Runs the command line asynchronously, so that the test server in this process can reply to it. */
function mpreid(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, MPREID_LOG_STDERR: '0', MPREID_OPENAI_API_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function workspaceWithDataset(name: string): string {
  const dir = tempDir('prompts-cli');
  const db = openTestWorkspace(dir, name);
  insertDataset(db, smallDukeDataset());
  db.close();
  return join(dir, name);
}

describe('mpreid prompts', () => {
  it('generates template prompts', async () => {
    const workspace = workspaceWithDataset('a.mpreid');

    const result = await mpreid('prompts', 'generate', '--workspace', workspace, '--dataset', 'duke-small', '--generator', 'template', '--json');

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ generated: 3, cached: 0, failedChecks: 0, totalTokens: 0 });
  });

  it('generates chat prompts from a base URL', async () => {
    const workspace = workspaceWithDataset('b.mpreid');

    const result = await mpreid('prompts', 'generate', '--workspace', workspace, '--dataset', 'duke-small', '--generator', 'chat', '--base-url', server.baseUrl, '--model', 'cli-model', '--json');

    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ generated: 3, failedChecks: 0, model: 'cli-model' });
    expect(report.totalTokens).toBeGreaterThan(0);
    expect(server.requests.filter((request) => request.body.model === 'cli-model')).toHaveLength(3);
  });

  it('round-trips export and import', async () => {
    const source = workspaceWithDataset('source.mpreid');
    const target = workspaceWithDataset('target.mpreid');
    const dir = tempDir('prompts-cli-files');
    await mpreid('prompts', 'generate', '--workspace', source, '--dataset', 'duke-small', '--generator', 'template');

    for (const format of ['json', 'csv'] as const) {
      const file = join(dir, `prompts.${format}`);
      const exported = await mpreid('prompts', 'export', '--workspace', source, '--dataset', 'duke-small', '--format', format, '--out', file, '--json');
      const imported = await mpreid('prompts', 'import', '--workspace', target, '--dataset', 'duke-small', '--in', file, '--json');
      const again = await mpreid('prompts', 'export', '--workspace', target, '--dataset', 'duke-small', '--format', format, '--out', join(dir, `again.${format}`), '--json');

      expect(exported.status).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({ format, records: 3, filePath: file, content: null });
      expect(imported.status).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ applied: true, records: 3 });
      expect(again.status).toBe(0);
      const texts = (path: string) => readRecords(format, readFileSync(path, 'utf8'), path).map((record) => [record.personId, record.text, record.generator]);
      expect(texts(join(dir, `again.${format}`))).toEqual(texts(file));
    }
  });

  it('fails an import that would replace edits', async () => {
    const workspace = workspaceWithDataset('d.mpreid');
    const file = join(tempDir('prompts-cli-files'), 'prompts.json');
    await mpreid('prompts', 'generate', '--workspace', workspace, '--dataset', 'duke-small', '--generator', 'template');
    await mpreid('prompts', 'export', '--workspace', workspace, '--dataset', 'duke-small', '--out', file);
    const db = openTestWorkspace(dirname(workspace), basename(workspace));
    const promptId = (db.prepare("SELECT id FROM prompts WHERE kind = 'chat' ORDER BY id LIMIT 1").get() as { id: number }).id;
    editPrompt(db, promptId, 'Edited after the export.', 1);
    db.close();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    exported.records[0].text = 'Changed in the file.';
    writeFileSync(file, JSON.stringify(exported));

    const rejected = await mpreid('prompts', 'import', '--workspace', workspace, '--dataset', 'duke-small', '--in', file, '--json');
    const listed = await mpreid('prompts', 'import', '--workspace', workspace, '--dataset', 'duke-small', '--in', file, '--dry-run', '--json');

    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toContain('Nothing was imported: 1 record(s) would replace analyst edits made after the export, the first being the chat of person 1 (local revision 2)');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ applied: false, conflicts: [{ personId: 1, localText: 'Edited after the export.', importedText: 'Changed in the file.' }] });
  });

  it('names an unknown dataset and action', async () => {
    const workspace = workspaceWithDataset('c.mpreid');

    const unknownDataset = await mpreid('prompts', 'export', '--workspace', workspace, '--dataset', 'market', '--out', '/tmp/x.json');
    const unknownAction = await mpreid('prompts', 'publish', '--workspace', workspace, '--dataset', 'duke-small');

    expect(unknownDataset.status).toBe(1);
    expect(unknownDataset.stderr).toContain('no dataset named "market"; it has "duke-small"');
    expect(unknownAction.status).toBe(1);
    expect(unknownAction.stderr).toContain('Unknown prompts action "publish"');
  });
});
