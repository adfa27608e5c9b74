/**
 * Delta file statistics of staged Parquet files read from their footers in this process (no DuckDB
 * query: on small incremental runs the statistics query of each output table cost more to plan than
 * the footers take to parse). Same contract as the DuckDB footer path in staged-stats.ts: undefined
 * (the caller falls back) unless every column of every file has a null count in every row group and,
 * where the column has values, exact min/max of a type decoded exactly here.
 *
 * Values come back in the writer's value model: long/timestamp as bigint (microseconds), integer and
 * date (days) as numbers, decimals as unscaled bigints, strings as strings. hyparquet hands decimals as
 * doubles (unscaled / 10^scale): they are turned back into the unscaled integer only while that is
 * provably exact (|unscaled| < 2^50, scale ≤ 18, so both roundings together stay under half a unit),
 * else the caller falls back.
 */
import { open } from 'node:fs/promises';
import { parquetMetadata, type FileMetaData, type ParquetParsers } from 'hyparquet';
import type { StructField, StructType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import { compareUtf8, computeStats } from '../delta/write/stats.js';
import { utf8Text } from '../delta/utf8-text.js';

type Stats = ReturnType<typeof computeStats>;
type Value = bigint | number | string;

const PARSERS: Partial<ParquetParsers> = {
  timestampFromMicroseconds: (micros: bigint) => micros,
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array | undefined) => (bytes ? utf8Text(bytes) : bytes),
};
const EXACT_LIMIT = 2 ** 50;

/** Stats per file (in `paths` order), or undefined when some footer cannot give them exactly. */
export async function footerStatsOf(
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[] | undefined> {
  const fields = dataSchema.fields;
  if (paths.length === 0 || fields.length === 0) return undefined;
  const kinds = fields.map((f) => kindOf(f));
  if (kinds.some((k) => k === undefined)) return undefined;
  const footers = await Promise.all(paths.map(readFooter));
  const out: Stats[] = [];
  for (const meta of footers) {
    const stats = fileStats(meta, fields, kinds as Kind[], dataSchema);
    if (!stats) return undefined;
    out.push(stats);
  }
  return out;
}

type Kind = { minmax: false } | { minmax: true; scale: number | undefined };

/**
 * Column types whose footer statistics DuckDB writes exactly as our stats need them: min/max and null
 * counts, or null counts only. Also used by the DuckDB footer query (staged-stats.ts).
 */
export function footerType(type: StructField['type']): 'minmax' | 'nulls' | undefined {
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'boolean':
    case 'binary':
      return 'nulls';
    case 'string':
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return 'minmax';
    default:
      // float/double: NaN handling of footer stats differs from a min/max over the values; fall back.
      return parseDecimal(type) ? 'minmax' : undefined;
  }
}

function kindOf(f: StructField): Kind | undefined {
  const type = footerType(f.type);
  if (type === undefined) return undefined;
  if (type === 'nulls') return { minmax: false };
  const dec = typeof f.type === 'string' ? parseDecimal(f.type) : undefined;
  if (!dec) return { minmax: true, scale: undefined };
  return dec.scale <= 18 ? { minmax: true, scale: dec.scale } : undefined;
}

function fileStats(meta: FileMetaData, fields: readonly StructField[], kinds: Kind[], schema: StructType) {
  const numRecords = Number(meta.num_rows);
  const columns: unknown[][] = [];
  const nulls: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    const name = (fields[i] as StructField).name;
    const kind = kinds[i] as Kind;
    let min: Value | undefined;
    let max: Value | undefined;
    let nullCount = 0;
    for (const group of meta.row_groups) {
      const chunk = group.columns.find(
        (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
      );
      const s = chunk?.meta_data?.statistics;
      if (s?.null_count === undefined) return undefined;
      const groupNulls = Number(s.null_count);
      nullCount += groupNulls;
      if (!kind.minmax || groupNulls >= Number(group.num_rows)) continue;
      if (s.is_min_value_exact !== true || s.is_max_value_exact !== true) return undefined;
      const lo = value(s.min_value, kind.scale);
      const hi = value(s.max_value, kind.scale);
      if (lo === undefined || hi === undefined) return undefined;
      if (min === undefined || compare(lo, min) < 0) min = lo;
      if (max === undefined || compare(hi, max) > 0) max = hi;
    }
    columns.push([min ?? null, max ?? null]);
    nulls.push(nullCount);
  }
  const stats = computeStats(schema, columns, numRecords);
  fields.forEach((f, i) => {
    if (f.name in stats.nullCount) stats.nullCount[f.name] = nulls[i];
  });
  return stats;
}

/** A footer min/max in the writer's value model, or undefined when it cannot be exact. */
function value(v: unknown, scale: number | undefined): Value | undefined {
  if (scale === undefined)
    return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' ? v : undefined;
  if (typeof v === 'bigint') return v; // no DECIMAL annotation read: the unscaled integer itself
  if (typeof v !== 'number') return undefined;
  const unscaled = Math.round(v * 10 ** scale);
  return Math.abs(unscaled) < EXACT_LIMIT ? BigInt(unscaled) : undefined;
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The footer of a local Parquet file (its metadata and the 8 bytes after it), parsed. */
async function readFooter(path: string): Promise<FileMetaData> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(8);
    if (
      size < 12 ||
      (await handle.read(tail, 0, 8, size - 8)).bytesRead !== 8 ||
      tail.toString('latin1', 4) !== 'PAR1'
    )
      throw new Error(`${path}: not a Parquet file`);
    const length = tail.readUInt32LE(0);
    if (length + 12 > size) throw new Error(`${path}: footer length ${length} exceeds the file`);
    const footer = new Uint8Array(length + 8);
    await handle.read(footer, 0, length + 8, size - 8 - length);
    return parquetMetadata(footer.buffer, { parsers: PARSERS });
  } finally {
    await handle.close();
  }
}
