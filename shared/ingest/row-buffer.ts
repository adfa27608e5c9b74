/**
 * Rows for one table, held as columns (the writer's input) rather than row objects: one array per
 * per-event column, filled in schema order, plus columns that are constant for the whole batch.
 * Each row carries its stream position so a retry can keep only the rows above a new watermark.
 *
 * 64-bit integer columns (long, timestamp, decimal(p ≤ 18)) are held in a BigInt64Array while no
 * null has been pushed to them (the Parquet writer takes typed arrays as they are): a bigint pushed
 * there is copied into the array and dies young, instead of living as an object until the batch is
 * written, which made a sizeable share of the garbage collector's work in large batches.
 */
import type { DataType, StructType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import type { ColumnBatch } from '../delta/write/data-file-writer.js';

type Column = unknown[] | BigInt64Array;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export class RowBuffer {
  readonly seqs: (number | undefined)[] = [];
  private readonly columns: Column[];

  /**
   * `perRow`: the columns each `push` supplies, in this order; the rest come from `constants`.
   * `capacity`: the expected number of rows (typed columns grow past it).
   */
  constructor(
    readonly schema: StructType,
    readonly perRow: readonly string[],
    readonly constants: Readonly<Record<string, unknown>>,
    capacity = 16,
  ) {
    for (const f of schema.fields) {
      if (!perRow.includes(f.name) && !(f.name in constants))
        throw new Error(`RowBuffer: no value for column ${f.name}`);
    }
    this.columns = perRow.map((name) =>
      isInt64(schema.fields.find((f) => f.name === name)?.type)
        ? new BigInt64Array(Math.max(capacity, 1))
        : [],
    );
  }

  get length(): number {
    return this.seqs.length;
  }

  /** `values` in `perRow` order. */
  push(seq: number | undefined, values: readonly unknown[]): void {
    const row = this.seqs.length;
    this.seqs.push(seq);
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i] as Column;
      const v = values[i];
      if (Array.isArray(column)) column.push(v);
      else if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) {
        const typed = row < column.length ? column : grow(column);
        typed[row] = v;
        this.columns[i] = typed;
      } else this.columns[i] = [...column.subarray(0, row), v]; // a null (or a bad value: the writer judges)
    }
  }

  /** The rows whose position is above `mark` (all rows when nothing is filtered). */
  above(mark: number): RowBuffer {
    if (this.seqs.every((s) => (s ?? -1) > mark)) return this;
    const keep: number[] = [];
    this.seqs.forEach((s, i) => {
      if ((s ?? -1) > mark) keep.push(i);
    });
    const out = new RowBuffer(this.schema, this.perRow, this.constants, keep.length);
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
    const batch: Record<string, readonly unknown[] | BigInt64Array> = {};
    for (const f of schema.fields) {
      const i = this.perRow.indexOf(f.name);
      const column = this.columns[i];
      if (column) batch[f.name] = Array.isArray(column) ? column : column.subarray(0, n);
      else if (f.name in this.constants) {
        const value = this.constants[f.name] ?? null;
        batch[f.name] =
          typeof value === 'bigint' && isInt64(f.type)
            ? new BigInt64Array(n).fill(value)
            : new Array<unknown>(n).fill(value);
      }
    }
    // The writer takes typed arrays for flat primitive columns (parquet-writer.ts); ColumnBatch's
    // type only names JS arrays.
    return batch as ColumnBatch;
  }
}

function isInt64(type: DataType | undefined): boolean {
  if (type === 'long' || type === 'timestamp' || type === 'timestamp_ntz') return true;
  const decimal = type === undefined ? undefined : parseDecimal(type);
  return decimal !== undefined && decimal.precision <= 18;
}

function grow(column: BigInt64Array): BigInt64Array {
  const bigger = new BigInt64Array(column.length * 2);
  bigger.set(column);
  return bigger;
}
