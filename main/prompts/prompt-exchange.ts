import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Db } from '../db/workspace';
import { NotFoundError, ValidationError } from '../errors';
import { writeExportFile } from '../export-file';
import { createLogger } from '../log';
import type { ExchangeFormat, PromptImportReport, PromptRecord } from './api-schemas';
import { readRecords, writeRecords } from './exchange-formats';
import { importRecords, type ImportOptions } from './prompt-import';
import { collectRecords } from './prompt-records';
import { requireDatasetRow } from './vocabulary';

const log = createLogger('Prompts');

export interface ExportResult {
  format: ExchangeFormat;
  records: number;
  countsByKind: Record<string, number>;
  /** Path of the written export, or null when it is returned as `content`. */
  filePath: string | null;
  content: string | null;
}

/**
 * Exports every prompt and review of a dataset as JSON or CSV. With
 * `filePath`, the file is written through a temporary file and a rename, so a
 * crash never leaves half an export. Without it, the text is returned.
 */
export function exportPrompts(db: Db, datasetId: number, format: ExchangeFormat | undefined, filePath?: string): ExportResult {
  const dataset = requireDatasetRow(db, datasetId);
  const chosen = format ?? formatFromPath(filePath);
  const records = collectRecords(db, datasetId);
  const content = writeRecords(chosen, dataset, records);

  if (filePath) writeExportFile(filePath, content, `prompts.${chosen}`, `.${chosen}`);
  log.info('prompts exported', { datasetId, format: chosen, records: records.length, filePath: filePath ?? null });
  return { format: chosen, records: records.length, countsByKind: countByKind(records), filePath: filePath ?? null, content: filePath ? null : content };
}

/** Imports an export given as a file path or as text; exactly one of the two. */
export function importPrompts(
  db: Db,
  datasetId: number,
  input: { format?: ExchangeFormat; filePath?: string; content?: string },
  options: ImportOptions,
): PromptImportReport {
  requireDatasetRow(db, datasetId);
  if ((input.filePath === undefined) === (input.content === undefined)) {
    throw new ValidationError('Pass either the path of an export file or its content, not both or neither.');
  }

  const format = input.format ?? formatFromPath(input.filePath);
  const label = input.filePath ?? `The ${format.toUpperCase()} import`;
  const text = input.filePath !== undefined ? readExport(input.filePath) : input.content!;
  const records: PromptRecord[] = readRecords(format, text, label);
  return importRecords(db, datasetId, records, options);
}

function readExport(filePath: string): string {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new NotFoundError(`Cannot read the prompt export ${filePath}: ${(error as Error).message}. Check the path.`, { cause: error });
  }
}

function formatFromPath(filePath: string | undefined): ExchangeFormat {
  const extension = filePath ? extname(filePath).toLowerCase() : '';
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  throw new ValidationError(`Cannot tell the format of ${filePath ? `"${filePath}"` : 'the export'}; pass format json or csv, or use a .json or .csv file name.`);
}

function countByKind(records: PromptRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) counts[record.kind] = (counts[record.kind] ?? 0) + 1;
  return counts;
}
