/**
 * Per-file statistics as Spark writes them (PROTOCOL.md "Per-file Statistics"): numRecords, and for the
 * first `delta.dataSkippingNumIndexedCols` (32) leaf columns min/max (numbers, decimals, dates,
 * timestamps truncated to milliseconds, strings cut to 32 characters with a tie-breaker on the max) and
 * nullCount. Invariant: every stored min is ≤ and every max ≥ every value of the file, so readers that
 * skip files by stats never skip a matching file.
 */
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import { parseDecimal } from '../protocol/schema.js';
import { compareUtf8, type StringRange } from '../parquet/byte-array-stats.js';
import { int64RangeIndex } from '../parquet/value-ranges.js';
import { formatDecimal, formatTimestampMicros } from '../read/json-rows.js';
import { formatDate } from '../read/json-rows.js';

/** Code-point order (= UTF-8 byte order, how Spark compares strings); the Parquet statistics' order. */
export { compareUtf8 };

export const DEFAULT_INDEXED_COLUMNS = 32;
const STRING_PREFIX = 32;

export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

/** Raw JSON fragment so decimals print as exact JSON numbers. */
class RawJson {
  constructor(readonly text: string) {}
}

/**
 * `stringRanges`: min and max (untruncated, UTF-8 byte order) of top-level string columns, by field
 * index, already known to the caller (the Parquet writer computes them for its footer); those columns
 * are not compared again. A string column absent from it is computed here.
 */
export function computeStats(
  schema: StructType,
  columns: readonly (readonly unknown[])[],
  numRecords: number,
  indexedColumns = DEFAULT_INDEXED_COLUMNS,
  stringRanges?: ReadonlyMap<number, StringRange>,
): FileStats {
  const budget = { left: indexedColumns };
  const stats: FileStats = { numRecords, minValues: {}, maxValues: {}, nullCount: {} };
  schema.fields.forEach((f, i) => {
    const values = columns[i] ?? [];
    const known = f.type === 'string' ? stringRanges?.get(i) : undefined;
    collectField(f, values, stats.minValues, stats.maxValues, stats.nullCount, budget, known);
  });
  return stats;
}

export function statsToJson(stats: FileStats): string {
  return JSON.stringify(stats, (_k, v: unknown) =>
    v instanceof RawJson ? `\u0000RAW${v.text}\u0000` : v,
  ).replace(/"\\u0000RAW([^"\\]*)\\u0000"/g, '$1');
}

function collectField(
  f: StructField,
  values: readonly unknown[],
  mins: Record<string, unknown>,
  maxs: Record<string, unknown>,
  nulls: Record<string, unknown>,
  budget: { left: number },
  known?: StringRange,
): void {
  const type = f.type;
  if (typeof type !== 'string' && type.type === 'struct') {
    const cMin: Record<string, unknown> = {};
    const cMax: Record<string, unknown> = {};
    const cNull: Record<string, unknown> = {};
    type.fields.forEach((child) => {
      const childValues = values.map((v) =>
        v === null || v === undefined ? null : (v as Record<string, unknown>)[child.name],
      );
      collectField(child, childValues, cMin, cMax, cNull, budget);
    });
    if (Object.keys(cMin).length) mins[f.name] = cMin;
    if (Object.keys(cMax).length) maxs[f.name] = cMax;
    if (Object.keys(cNull).length) nulls[f.name] = cNull;
    return;
  }
  if (budget.left <= 0) return;
  budget.left--;
  nulls[f.name] = countNulls(values);
  if (typeof type !== 'string' || !hasMinMax(type)) return;
  const range =
    known ??
    (ArrayBuffer.isView(values) ? typedMinMax(values as unknown as TypedColumn) : minMax(values, type));
  if (!range) return;
  mins[f.name] = formatStat(range.min, type, 'min');
  maxs[f.name] = formatStat(range.max, type, 'max');
}

function hasMinMax(type: string): boolean {
  return type !== 'boolean' && type !== 'binary';
}

/** Typed arrays the writer accepts for flat non-null columns (RowBuffer hands BigInt64Arrays). */
type TypedColumn = BigInt64Array | Int32Array | Float64Array;

function countNulls(values: readonly unknown[]): number {
  if (ArrayBuffer.isView(values)) return 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) n++;
  return n;
}

/**
 * Min and max of a typed column by index, without materialising a bigint per element
 * (int64RangeIndex); doubles skip NaN as Spark does.
 */
function typedMinMax(values: TypedColumn): { min: unknown; max: unknown } | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  if (values instanceof BigInt64Array) {
    const at = int64RangeIndex(values);
    return { min: values[at.min], max: values[at.max] };
  }
  let min = Infinity;
  let max = -Infinity;
  let seen = false;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v !== v) continue; // NaN: Spark excludes it from min/max
    seen = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return seen ? { min, max } : undefined;
}

function minMax(values: readonly unknown[], type: string): { min: unknown; max: unknown } | undefined {
  let min: unknown;
  let max: unknown;
  let seen = false;
  const isFloat = type === 'float' || type === 'double';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (isFloat && Number.isNaN(v)) continue; // Spark excludes NaN from min/max
    if (!seen) {
      min = v;
      max = v;
      seen = true;
      continue;
    }
    if (compare(v, min) < 0) min = v;
    else if (compare(v, max) > 0) max = v;
  }
  return seen ? { min, max } : undefined;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function formatStat(value: unknown, type: DataType & string, which: 'min' | 'max'): unknown {
  switch (type) {
    case 'string':
      return truncateString(value as string, which);
    case 'long':
      return new RawJson(String(value));
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return Number.isFinite(value) ? value : new RawJson(JSON.stringify(String(value)));
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
    case 'timestamp_ntz': {
      // Spark truncates to milliseconds; round the max up so it stays an upper bound.
      const micros = value as bigint;
      const floorMs = micros - (((micros % 1000n) + 1000n) % 1000n);
      const bound = which === 'max' && floorMs !== micros ? floorMs + 1000n : floorMs;
      return formatTimestampMicros(bound).replace(/(\.\d{3})\d{3}Z$/, '$1Z');
    }
    default: {
      const dec = parseDecimal(type);
      if (dec) return new RawJson(formatDecimal(value as bigint, dec.scale));
      return undefined;
    }
  }
}

function truncateString(s: string, which: 'min' | 'max'): string {
  const chars = Array.from(s);
  if (chars.length <= STRING_PREFIX) return s;
  const prefix = chars.slice(0, STRING_PREFIX).join('');
  if (which === 'min') return prefix;
  // A prefix of the max sorts below it; append the highest code point so the bound stays ≥ max.
  return prefix + '\u{10FFFF}';
}
