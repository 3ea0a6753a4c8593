/** Compressed sparse rows: row r holds entries rowStart[r] .. rowStart[r + 1] - 1. */
export interface SparseRows {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** Appends rows one at a time into growable typed arrays. */
export class SparseRowsBuilder {
  private readonly rowStart: Int32Array;
  private columns = new Int32Array(1024);
  private values = new Float64Array(1024);
  private rowCount = 0;
  private entryCount = 0;

  constructor(totalRows: number) {
    this.rowStart = new Int32Array(totalRows + 1);
  }

  /** Appends the next row; `values` may be omitted for a pattern-only row (stored as zeros). */
  addRow(columns: ArrayLike<number>, values?: ArrayLike<number>): void {
    this.reserve(this.entryCount + columns.length);
    for (let i = 0; i < columns.length; i += 1) {
      this.columns[this.entryCount + i] = columns[i];
      this.values[this.entryCount + i] = values ? values[i] : 0;
    }
    this.entryCount += columns.length;
    this.rowCount += 1;
    this.rowStart[this.rowCount] = this.entryCount;
  }

  finish(): SparseRows {
    return {
      rowStart: this.rowStart,
      columns: this.columns.slice(0, this.entryCount),
      values: this.values.slice(0, this.entryCount),
    };
  }

  private reserve(size: number): void {
    if (size <= this.columns.length) return;
    const capacity = Math.max(size, this.columns.length * 2);
    const columns = new Int32Array(capacity);
    columns.set(this.columns);
    this.columns = columns;
    const values = new Float64Array(capacity);
    values.set(this.values);
    this.values = values;
  }
}
