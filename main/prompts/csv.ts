import { ValidationError } from '../errors';

/**
 * CSV as RFC 4180 defines it: comma-separated fields, CRLF between records,
 * and fields that contain a comma, quote, CR or LF wrapped in double quotes
 * with inner quotes doubled. The reader also takes LF line ends and a UTF-8
 * byte order mark, as spreadsheet programs write them.
 */

const needsQuotes = /[",\r\n]|^\s|\s$/;

export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => record.map(formatField).join(',')).join('\r\n') + '\r\n';
}

function formatField(field: string): string {
  if (!needsQuotes.test(field)) return field;
  return `"${field.replaceAll('"', '""')}"`;
}

/** Parses CSV text into records of fields; `label` names the source in error messages. */
export function parseCsv(text: string, label: string): string[][] {
  const reader = new CsvReader(text.startsWith('\uFEFF') ? text.slice(1) : text, label);
  return reader.readAll();
}

class CsvReader {
  private position = 0;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly label: string,
  ) {}

  readAll(): string[][] {
    const records: string[][] = [];
    while (this.position < this.text.length) {
      records.push(this.readRecord());
    }
    return records;
  }

  /** Reads fields up to and including the record's line end (or the end of the text). */
  private readRecord(): string[] {
    const fields: string[] = [];
    for (;;) {
      fields.push(this.peek() === '"' ? this.readQuotedField() : this.readPlainField());

      const next = this.peek();
      if (next === ',') {
        this.position += 1;
        continue;
      }
      this.skipLineEnd();
      return fields;
    }
  }

  private readPlainField(): string {
    const start = this.position;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === ',' || char === '\r' || char === '\n') break;
      if (char === '"') this.fail('a double quote inside a field that does not start with one; quote the whole field and double the inner quotes');
      this.position += 1;
    }
    return this.text.slice(start, this.position);
  }

  private readQuotedField(): string {
    const startLine = this.line;
    this.position += 1;
    let value = '';

    for (;;) {
      const closing = this.text.indexOf('"', this.position);
      if (closing === -1) {
        throw new ValidationError(`${this.label}: the quoted field that starts on line ${startLine} is never closed. Add the closing double quote.`);
      }
      value += this.text.slice(this.position, closing);
      this.countLines(this.position, closing);
      this.position = closing + 1;

      if (this.peek() !== '"') break;
      value += '"';
      this.position += 1;
    }

    const next = this.peek();
    if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
      this.fail(`"${next}" after a closing double quote; a quoted field must end at a comma or line end`);
    }
    return value;
  }

  private skipLineEnd(): void {
    if (this.peek() === '\r') this.position += 1;
    if (this.peek() === '\n') this.position += 1;
    this.line += 1;
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (this.text[i] === '\n') this.line += 1;
    }
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private fail(problem: string): never {
    throw new ValidationError(`${this.label} is not valid CSV on line ${this.line}: ${problem}.`);
  }
}
