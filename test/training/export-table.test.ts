import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrievalFigures } from '../../main/api/schemas';
import { closeAppContext } from '../../main/app-context';
import { mpreidTrainer } from '../../main/training';
import { exportRunTable } from '../../main/training/export-table';
import { runDirectoryFor } from '../../main/training/run-folder';
import { insertRun } from '../../main/training/run-rows';
import { openTrainingWorkspace, type TrainingWorkspace } from './fixtures';

let workspace: TrainingWorkspace;
let plainRun: number;
let oracleRun: number;
let unfinishedRun: number;

function figures(mAP: number, rank1: number): RetrievalFigures {
  return { mAP, rank1, rank5: rank1 + 0.05, rank10: rank1 + 0.1, rank20: rank1 + 0.12, mINP: mAP / 2, cmc: [rank1] };
}

function storeRun(name: string, preset: 'learnable' | 'chat-vqa', result: { figures: RetrievalFigures | null; oracle: boolean }): number {
  const { db, workspacePath } = workspace.context;
  const config = mpreidTrainer.presetConfig(preset);
  const runId = insertRun(
    db,
    { datasetId: workspace.datasetId, imageModelId: workspace.modelId, name, preset, config, codeVersion: 'test', vocabularyPath: '/vocab', features: result.oracle ? 'image + identity prompts' : 'image', oracle: result.oracle },
    (id) => runDirectoryFor(workspacePath, id),
  );
  db.prepare("UPDATE training_runs SET status = 'succeeded', figures = ?, baseline = ? WHERE id = ?").run(
    result.figures ? JSON.stringify(result.figures) : null,
    JSON.stringify(figures(0.3, 0.5)),
    runId,
  );
  return runId;
}

function epochsOf(preset: 'learnable'): number {
  const config = mpreidTrainer.presetConfig(preset);
  return config.stage1Epochs + config.stage2Epochs;
}

beforeAll(async () => {
  workspace = await openTrainingWorkspace([], { identities: 1, imagesPerIdentity: 1, queries: 1 });
  plainRun = storeRun('plain, "quoted" run', 'learnable', { figures: figures(0.4124, 0.6), oracle: false });
  oracleRun = storeRun('=oracle run', 'chat-vqa', { figures: figures(0.9, 0.95), oracle: true });
  unfinishedRun = storeRun('unfinished', 'learnable', { figures: null, oracle: false });
}, 60_000);

afterAll(() => {
  closeAppContext(workspace.context);
  rmSync(workspace.dir, { recursive: true, force: true });
});

describe('runs table CSV', () => {
  it('writes one row per run', () => {
    const { content } = exportRunTable(workspace.context.db, { runIds: [plainRun, oracleRun, unfinishedRun], format: 'csv' });
    const lines = content.trimEnd().split('\r\n');

    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('run,name,dataset,preset,prompt kinds,epochs,mAP (%),Rank-1 (%),Rank-5 (%),Rank-10 (%),mINP (%),baseline mAP (%),features,oracle');
    expect(lines[1]).toBe(`${plainRun},"plain, ""quoted"" run",duke-subset,learnable,learnable,0/${epochsOf('learnable')},41.24,60.00,65.00,70.00,20.62,30.00,image,no`);
    expect(lines[2]).toContain(",'=oracle run,");
    expect(lines[2]).toContain('learnable + ChatGPT + VQA');
    expect(lines[2].endsWith(',yes')).toBe(true);
    expect(lines[3]).toContain(',,,,,30.00,');
  });

  it('writes the file when asked', () => {
    const filePath = join(workspace.dir, 'runs.csv');

    const result = exportRunTable(workspace.context.db, { runIds: [plainRun], format: 'csv', filePath });

    expect(result.filePath).toBe(filePath);
    expect(readFileSync(filePath, 'utf8')).toBe(result.content);
  });

  it('rejects a folder as the path', () => {
    const folder = join(workspace.dir, 'exports');
    mkdirSync(folder);

    expect(() => exportRunTable(workspace.context.db, { runIds: [plainRun], format: 'csv', filePath: folder })).toThrow(/is a folder/);
  });

  it('rejects a missing parent folder', () => {
    const filePath = join(workspace.dir, 'missing', 'runs.csv');

    expect(() => exportRunTable(workspace.context.db, { runIds: [plainRun], format: 'csv', filePath })).toThrow(/does not exist/);
  });

  it('rejects an unknown run', () => {
    expect(() => exportRunTable(workspace.context.db, { runIds: [plainRun, 999], format: 'csv' })).toThrow(/Training run 999 does not exist/);
  });
});

describe('comparison chart SVG', () => {
  it('draws runs beside the baseline', () => {
    const { content } = exportRunTable(workspace.context.db, { runIds: [plainRun, oracleRun, unfinishedRun], format: 'svg' });

    expect(content.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(content.trimEnd().endsWith('</svg>')).toBe(true);
    expect(content).toContain('Frozen features: duke-subset');
    expect(content).toContain('plain, &quot;quoted&quot; run');
    expect(content).toContain('=oracle run (oracle)');
    expect(content).toContain('no figures yet');
    // One baseline group and two runs with figures, each with an mAP and a Rank-1 bar value.
    for (const value of ['30.0', '50.0', '41.2', '60.0', '90.0', '95.0']) expect(content).toContain(`>${value}</text>`);
  });

  it('hatches oracle bars only', () => {
    const withOracle = exportRunTable(workspace.context.db, { runIds: [oracleRun], format: 'svg' }).content;
    const withoutOracle = exportRunTable(workspace.context.db, { runIds: [plainRun], format: 'svg' }).content;

    const hatchedBars = (svg: string) => svg.split('\n').filter((line) => line.includes('<rect x=') && line.includes('fill="url(#oracle-hatch)"') && !line.includes('width="12"')).length;
    expect(hatchedBars(withOracle)).toBe(2);
    expect(hatchedBars(withoutOracle)).toBe(0);
  });
});
