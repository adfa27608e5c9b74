/**
 * Rows for one table, held as columns (the writer's input) rather than row objects: one array per
 * per-event column, filled in schema order, plus columns that are constant for the whole batch.
 * Each row carries its stream position so a retry can keep only the rows above a new watermark.
 */
import type { StructType } from '../delta/protocol/schema.js';
import type { ColumnBatch } from '../delta/write/data-file-writer.js';

export class RowBuffer {
  readonly seqs: (number | undefined)[] = [];
  private readonly columns: unknown[][];

  /** `perRow`: the columns each `push` supplies, in this order; the rest come from `constants`. */
  constructor(
    readonly schema: StructType,
    readonly perRow: readonly string[],
    readonly constants: Readonly<Record<string, unknown>>,
  ) {
    for (const f of schema.fields) {
      if (!perRow.includes(f.name) && !(f.name in constants))
        throw new Error(`RowBuffer: no value for column ${f.name}`);
    }
    this.columns = perRow.map(() => []);
  }

  get length(): number {
    return this.seqs.length;
  }

  /** `values` in `perRow` order. */
  push(seq: number | undefined, values: readonly unknown[]): void {
    this.seqs.push(seq);
    for (let i = 0; i < this.columns.length; i++) (this.columns[i] as unknown[]).push(values[i]);
  }

  /** The rows whose position is above `mark` (all rows when nothing is filtered). */
  above(mark: number): RowBuffer {
    if (this.seqs.every((s) => (s ?? -1) > mark)) return this;
    const keep: number[] = [];
    this.seqs.forEach((s, i) => {
      if ((s ?? -1) > mark) keep.push(i);
    });
    const out = new RowBuffer(this.schema, this.perRow, this.constants);
    for (const i of keep)
      out.push(
        this.seqs[i],
        this.columns.map((c) => c[i]),
      );
    return out;
  }

  /** Columns for `schema` (the table's current schema; columns it lacks are left out). */
  toColumns(schema: StructType): ColumnBatch {
    const n = this.length;
    const batch: Record<string, readonly unknown[]> = {};
    for (const f of schema.fields) {
      const i = this.perRow.indexOf(f.name);
      if (i >= 0) batch[f.name] = this.columns[i] ?? [];
      else if (f.name in this.constants)
        batch[f.name] = new Array<unknown>(n).fill(this.constants[f.name] ?? null);
    }
    return batch;
  }
}
