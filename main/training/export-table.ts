import type { RetrievalFigures } from '../api/schemas';
import type { Db } from '../db/workspace';
import { writeExportFile } from '../export-file';
import { createLogger } from '../log';
import { renderComparisonChart } from './comparison-chart';
import { countEpochs, getRunRecord, markInterruptedRuns, type RunRecord } from './run-rows';

const log = createLogger('Training');

export interface ExportTableRequest {
  runIds: number[];
  format: 'csv' | 'svg';
  filePath?: string;
}

/** A run as one row of the comparison table and chart. */
export interface RunTableRow {
  runId: number;
  name: string;
  preset: string;
  datasetName: string;
  imageModelId: number;
  promptKinds: string;
  epochsDone: number;
  epochsTotal: number;
  figures: RetrievalFigures | null;
  baseline: RetrievalFigures | null;
  features: string;
  oracle: boolean;
}

/**
 * Exports runs, in the order given, as a CSV table or an SVG chart of mAP and
 * Rank-1 beside the frozen-feature baseline. Writes `filePath` when given and
 * returns the content either way.
 */
export function exportRunTable(db: Db, request: ExportTableRequest): { format: 'csv' | 'svg'; content: string; filePath: string | null } {
  markInterruptedRuns(db);
  const rows = request.runIds.map((runId) => toTableRow(getRunRecord(db, runId), countEpochs(db, runId)));
  const content = request.format === 'csv' ? renderRunCsv(rows) : renderComparisonChart(rows);

  if (request.filePath !== undefined) writeExportFile(request.filePath, content, `training-runs.${request.format}`, `.${request.format}`);
  log.info('runs exported', { format: request.format, runs: rows.length, filePath: request.filePath ?? null });
  return { format: request.format, content, filePath: request.filePath ?? null };
}

export function toTableRow(record: RunRecord, epochsDone: number): RunTableRow {
  return {
    runId: record.runId,
    name: record.name,
    preset: record.config.preset,
    datasetName: record.datasetName,
    imageModelId: record.imageModelId,
    promptKinds: describePromptKinds(record.config.prompts),
    epochsDone,
    epochsTotal: record.config.stage1Epochs + record.config.stage2Epochs,
    figures: record.figures,
    baseline: record.baseline,
    features: record.features,
    oracle: record.oracle,
  };
}

/** Lists the prompt kinds a run aligned with; the implicit (learnable) prompt is always one of them. */
export function describePromptKinds(prompts: RunRecord['config']['prompts']): string {
  const kinds = ['learnable'];
  if (prompts.attributeWords) kinds.push('attribute words');
  if (prompts.chat) kinds.push('ChatGPT');
  if (prompts.vqa) kinds.push('VQA');
  return kinds.join(' + ');
}

const csvHeader = ['run', 'name', 'dataset', 'preset', 'prompt kinds', 'epochs', 'mAP (%)', 'Rank-1 (%)', 'Rank-5 (%)', 'Rank-10 (%)', 'mINP (%)', 'baseline mAP (%)', 'features', 'oracle'];

/** Renders a header line and one line per run with RFC 4180 quoting, figures as percentages with two decimals (empty when absent). */
export function renderRunCsv(rows: RunTableRow[]): string {
  const lines = [csvHeader.join(',')];
  for (const row of rows) {
    const cells = [
      String(row.runId),
      csvText(row.name),
      csvText(row.datasetName),
      row.preset,
      csvText(row.promptKinds),
      `${row.epochsDone}/${row.epochsTotal}`,
      percent(row.figures?.mAP),
      percent(row.figures?.rank1),
      percent(row.figures?.rank5),
      percent(row.figures?.rank10),
      percent(row.figures?.mINP),
      percent(row.baseline?.mAP),
      csvText(row.features),
      row.oracle ? 'yes' : 'no',
    ];
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function percent(fraction: number | undefined): string {
  return fraction === undefined ? '' : (fraction * 100).toFixed(2);
}

/**
 * Quotes a text cell when it needs it. A leading =, +, - or @ gets an
 * apostrophe, because spreadsheets would run such a run name as a formula.
 */
function csvText(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
