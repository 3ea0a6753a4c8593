import { readFile, stat } from 'node:fs/promises';
import { DatasetFormatError, NotFoundError, ValidationError } from '../errors';
import { describeMeanings, unlabelledCode, type ValueMeanings, valueMeaningsFor } from './attribute-meanings';
import { type DatasetLayout, layoutTitles } from './file-names';
import { readMatFile, type MatStruct, type MatValue } from './mat/mat-reader';

/** Identity-level attributes read from a `.mat` attribute file, not yet linked to images. */
export interface AttributeTable {
  file: string;
  /** Attributes in the order of the train struct's fields. */
  attributes: { name: string; valueMeanings: ValueMeanings }[];
  /** Coded values per person id, aligned with `attributes`; null where the file has no label. */
  rows: Map<number, (number | null)[]>;
  unlabelledValues: number;
}

const parts = ['train', 'test'] as const;
type Part = (typeof parts)[number];

const indexField = 'image_index';

/** Variable names of the published attribute files, used to catch a file paired with the wrong dataset. */
const knownVariables: Record<string, DatasetLayout> = {
  market_attribute: 'market1501',
  duke_attribute: 'dukemtmc',
};

/**
 * Reads an attribute file: a struct with `train` and `test` structs whose
 * fields are attributes (1 x N codes) plus `image_index` (N zero-padded person
 * ids). Fields are matched by name because train and test order them differently.
 */
export async function readAttributeFile(filePath: string, layout: DatasetLayout): Promise<AttributeTable> {
  const variables = readMatFile(await readAttributeBytes(filePath), `Attribute file ${filePath}`);
  const { name, root } = findRootStruct(filePath, variables);
  if (knownVariables[name] !== undefined && knownVariables[name] !== layout) {
    throw new DatasetFormatError(
      `Attribute file ${filePath} contains variable ${name}, which belongs to ${layoutTitles[knownVariables[name]]}, but the dataset folder has the ${layoutTitles[layout]} layout. Pick the attribute file of this dataset.`,
    );
  }

  const partStructs = parts.map((part) => requireStructField(filePath, root, part, name));
  const attributeNames = partStructs[0].fieldNames.filter((field) => field !== indexField);
  requireSameAttributes(filePath, attributeNames, partStructs[1]);

  const table: AttributeTable = {
    file: filePath,
    attributes: attributeNames.map((attribute) => ({ name: attribute, valueMeanings: valueMeaningsFor(layout, attribute) })),
    rows: new Map(),
    unlabelledValues: 0,
  };
  parts.forEach((part, i) => readPart(table, part, partStructs[i]));
  return table;
}

async function readAttributeBytes(filePath: string): Promise<Buffer> {
  const info = await stat(filePath).catch(() => null);
  if (info === null) throw new NotFoundError(`Attribute file ${filePath} does not exist. Check the path or import without attributes.`);
  if (!info.isFile()) throw new ValidationError(`Attribute path ${filePath} is not a file. Pass the .mat file itself.`);
  return readFile(filePath);
}

function findRootStruct(filePath: string, variables: Map<string, MatValue>): { name: string; root: MatStruct } {
  for (const [name, value] of variables) {
    if (value.kind === 'struct' && value.elements.length === 1 && parts.every((part) => value.fieldNames.includes(part))) {
      return { name, root: value };
    }
  }

  const found = [...variables].map(([name, value]) => (value.kind === 'struct' ? `${name} (struct with fields ${value.fieldNames.join(', ')})` : `${name} (${value.kind})`));
  throw new DatasetFormatError(
    `Attribute file ${filePath} has no 1 x 1 struct with fields train and test, as in market_attribute or duke_attribute. ` +
      `Variables found: ${found.length > 0 ? found.join('; ') : 'none'}.`,
  );
}

function requireStructField(filePath: string, parent: MatStruct, field: string, path: string): MatStruct {
  const value = parent.elements[0].get(field);
  if (value === undefined) throw new DatasetFormatError(`Attribute file ${filePath} has no field ${path}.${field}.`);
  if (value.kind !== 'struct' || value.elements.length !== 1) {
    throw new DatasetFormatError(`Field ${path}.${field} in attribute file ${filePath} must be a 1 x 1 struct, found a ${value.kind} array of size ${value.dims.join(' x ')}.`);
  }
  return value;
}

function requireSameAttributes(filePath: string, trainNames: string[], test: MatStruct): void {
  const testNames = test.fieldNames.filter((field) => field !== indexField);
  const missingInTest = trainNames.filter((field) => !testNames.includes(field));
  const missingInTrain = testNames.filter((field) => !trainNames.includes(field));
  if (missingInTest.length === 0 && missingInTrain.length === 0) return;

  const sides = [
    missingInTest.length > 0 ? `test lacks ${missingInTest.join(', ')}` : '',
    missingInTrain.length > 0 ? `train lacks ${missingInTrain.join(', ')}` : '',
  ].filter(Boolean);
  throw new DatasetFormatError(`Attribute file ${filePath} has different attribute fields in train and test: ${sides.join('; ')}. Both must list the same attributes.`);
}

function readPart(table: AttributeTable, part: Part, struct: MatStruct): void {
  const personIds = readImageIndex(table.file, part, struct);
  const values = table.attributes.map((attribute) => readCodes(table.file, part, struct, attribute, personIds));

  personIds.forEach((personId, row) => {
    if (table.rows.has(personId)) {
      throw new DatasetFormatError(`Attribute file ${table.file} lists identity ${formatPersonId(personId)} twice (again in ${part}.${indexField}, entry ${row + 1}). Each identity needs exactly one row.`);
    }
    const codes = values.map((column) => (column[row] === unlabelledCode ? null : column[row]));
    table.unlabelledValues += codes.filter((code) => code === null).length;
    table.rows.set(personId, codes);
  });
}

/** Person ids from `image_index`: a cell array of digit strings, or a char matrix with one id per row. */
function readImageIndex(filePath: string, part: Part, struct: MatStruct): number[] {
  const field = `${part}.${indexField}`;
  const value = struct.elements[0].get(indexField);
  if (value === undefined) throw new DatasetFormatError(`Attribute file ${filePath} has no field ${field}, so its attributes cannot be linked to identities.`);

  let texts: string[];
  if (value.kind === 'cell') texts = value.cells.map((cell, i) => cellText(filePath, field, cell, i));
  else if (value.kind === 'char') texts = value.rows;
  else throw new DatasetFormatError(`Field ${field} in attribute file ${filePath} must be a cell array of strings, found a ${value.kind} array.`);

  return texts.map((text, i) => {
    if (!/^\s*\d+\s*$/.test(text)) {
      throw new DatasetFormatError(`Field ${field} in attribute file ${filePath} has "${text}" at entry ${i + 1}, expected a person id such as 0002.`);
    }
    return Number(text);
  });
}

function cellText(filePath: string, field: string, cell: MatValue, index: number): string {
  if (cell.kind === 'char' && cell.rows.length === 1) return cell.rows[0];
  throw new DatasetFormatError(`Field ${field} in attribute file ${filePath} has a ${cell.kind} array at entry ${index + 1}, expected a one-row char array such as '0002'.`);
}

function readCodes(filePath: string, part: Part, struct: MatStruct, attribute: AttributeTable['attributes'][number], personIds: number[]): Float64Array {
  const field = `${part}.${attribute.name}`;
  const value = struct.elements[0].get(attribute.name);
  if (value === undefined || value.kind !== 'numeric') {
    throw new DatasetFormatError(`Field ${field} in attribute file ${filePath} must be a numeric array of codes, found ${value === undefined ? 'nothing' : `a ${value.kind} array`}.`);
  }
  if (value.real.length !== personIds.length) {
    throw new DatasetFormatError(`Field ${field} in attribute file ${filePath} has ${value.real.length} values but ${part}.${indexField} lists ${personIds.length} identities. Both must have one entry per identity.`);
  }

  value.real.forEach((code, row) => {
    if (code === unlabelledCode || Object.hasOwn(attribute.valueMeanings, String(code))) return;
    throw new DatasetFormatError(
      `Field ${field} in attribute file ${filePath} has code ${code} for identity ${formatPersonId(personIds[row])}, expected one of ${describeMeanings(attribute.valueMeanings)} or ${unlabelledCode} (unlabelled).`,
    );
  });
  return value.real;
}

function formatPersonId(personId: number): string {
  return String(personId).padStart(4, '0');
}
