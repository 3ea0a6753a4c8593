import { z } from 'zod';
import { formatIssues } from '../api/dispatcher';
import { ValidationError } from '../errors';
import { promptRecordSchema, type ExchangeFormat, type PromptRecord } from './api-schemas';
import { formatCsv, parseCsv } from './csv';

/** Marker and version of the JSON export; a reader rejects files of another format or a newer version. */
const formatName = 'mpreid-prompts';
const formatVersion = 1;

const jsonFileSchema = z.object({
  format: z.literal(formatName),
  version: z.literal(formatVersion),
  dataset: z.object({ name: z.string(), layout: z.string() }),
  exportedAt: z.string(),
  records: z.array(promptRecordSchema),
});

/** CSV columns, in file order: the fields of a record. */
const csvColumns = [
  'kind',
  'personId',
  'imagePath',
  'questionKey',
  'text',
  'reviewStatus',
  'source',
  'generator',
  'model',
  'instructionVersion',
  'revision',
  'failedChecks',
  'cacheKey',
  'createdAt',
] as const satisfies readonly (keyof PromptRecord)[];

const numberColumns = new Set<string>(['personId', 'instructionVersion', 'revision']);

export function writeRecords(format: ExchangeFormat, dataset: { name: string; layout: string }, records: readonly PromptRecord[]): string {
  if (format === 'csv') return formatCsv([csvColumns, ...records.map(toCsvRow)]);
  return `${JSON.stringify({ format: formatName, version: formatVersion, dataset, exportedAt: new Date().toISOString(), records }, null, 2)}\n`;
}

/** Parses an export; `label` names the file in error messages. */
export function readRecords(format: ExchangeFormat, text: string, label: string): PromptRecord[] {
  return format === 'csv' ? readCsvRecords(text, label) : readJsonRecords(text, label);
}

function readJsonRecords(text: string, label: string): PromptRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${label} is not valid JSON: ${(error as Error).message}. Pass a file written by the prompt export.`);
  }

  const marker = (value as { format?: unknown; version?: unknown } | null) ?? {};
  if (marker.format !== formatName) throw new ValidationError(`${label} is not a prompt export: its "format" field is ${JSON.stringify(marker.format)}, expected "${formatName}".`);
  if (marker.version !== formatVersion) {
    throw new ValidationError(`${label} has prompt export version ${JSON.stringify(marker.version)}; this workstation reads version ${formatVersion}. Export the prompts again with this version.`);
  }

  const parsed = jsonFileSchema.safeParse(value);
  if (!parsed.success) throw new ValidationError(`${label} has invalid records: ${formatIssues(parsed.error)}.`);
  return parsed.data.records;
}

function toCsvRow(record: PromptRecord): string[] {
  return csvColumns.map((column) => {
    const value = record[column];
    if (column === 'failedChecks') return JSON.stringify(value);
    return value === null ? '' : String(value);
  });
}

function readCsvRecords(text: string, label: string): PromptRecord[] {
  const [header, ...rows] = parseCsv(text, label);
  requireHeader(header ?? [], label);

  return rows.map((row, index) => {
    const line = index + 2;
    if (row.length !== csvColumns.length) {
      throw new ValidationError(`${label} record ${line} has ${row.length} fields; expected ${csvColumns.length} (${csvColumns.join(', ')}).`);
    }
    const parsed = promptRecordSchema.safeParse(fromCsvRow(row, label, line));
    if (!parsed.success) throw new ValidationError(`${label} record ${line} is invalid: ${formatIssues(parsed.error)}.`);
    return parsed.data;
  });
}

function requireHeader(header: string[], label: string): void {
  const expected = csvColumns.join(',');
  if (header.join(',') !== expected) {
    throw new ValidationError(`${label} has the header "${header.join(',')}"; a prompt export starts with "${expected}".`);
  }
}

function fromCsvRow(row: string[], label: string, line: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  csvColumns.forEach((column, i) => {
    const field = row[i];
    if (column === 'text') record.text = field;
    else if (column === 'failedChecks') record.failedChecks = parseChecks(field, label, line);
    else if (field === '') record[column] = null;
    else record[column] = numberColumns.has(column) ? Number(field) : field;
  });
  return record;
}

function parseChecks(field: string, label: string, line: number): unknown {
  if (field === '') return [];
  try {
    return JSON.parse(field);
  } catch {
    throw new ValidationError(`${label} record ${line} has failedChecks ${JSON.stringify(field)}, which is not a JSON array.`);
  }
}
