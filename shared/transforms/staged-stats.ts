/**
 * Delta file statistics (numRecords, minValues, maxValues, nullCount) of the Parquet files DuckDB
 * wrote for an output table, exact for every column type the transforms write: taken from the files'
 * footers when every column's statistics are present and exact, else computed by reading the files
 * back. Either way they describe the files as written, not the relation they came from.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StructField, StructType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import { computeStats } from '../delta/write/stats.js';
import { duckType, fromDuck, quoteIdent, quoteLiteral } from './duck-types.js';

export type StagedStats = ReturnType<typeof computeStats>;
type Stats = StagedStats;

/**
 * Delta file stats of the staged files (in `paths` order). They come from the Parquet footers DuckDB
 * wrote (row-group statistics) when every column's statistics are present and exact; otherwise from an
 * aggregate over the staged files themselves (same result, one more pass over the data).
 */
export async function statsOfStaged(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[]> {
  return (await footerStats(conn, paths, dataSchema)) ?? (await scannedStats(conn, paths, dataSchema));
}

/** Column types whose footer statistics DuckDB writes exactly as our stats need them. */
function footerType(type: StructField['type']): 'minmax' | 'nulls' | undefined {
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
      // float/double: NaN handling of footer stats differs from DuckDB's min/max; fall back.
      return parseDecimal(type) ? 'minmax' : undefined;
  }
}

/**
 * Stats per file (in `paths` order) from the files' Parquet footers, or undefined when some column's
 * statistics are missing, inexact or not of a flat primitive column (the caller then aggregates).
 * Footer min/max are the logical values (DuckDB converts decimals, dates and timestamps), cast back to
 * the column type exactly; row-group values combine by min of mins, max of maxes, sum of null counts.
 */
async function footerStats(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[] | undefined> {
  const fields = dataSchema.fields;
  if (paths.length === 0 || fields.length === 0) return undefined;
  const kinds = fields.map((f) => footerType(f.type));
  if (kinds.some((k) => k === undefined)) return undefined;
  const first = quoteLiteral((fields[0] as StructField).name);
  const parts = [
    'file_name',
    `sum(row_group_num_rows) FILTER (WHERE path_in_schema = ${first})`,
    'count(DISTINCT row_group_id)',
    'count(*)',
  ];
  fields.forEach((f, i) => {
    const where = `path_in_schema = ${quoteLiteral(f.name)}`;
    const missingNulls = 'stats_null_count IS NULL';
    if (kinds[i] === 'minmax') {
      const t = duckType(f.type);
      parts.push(
        `min(CASE WHEN ${where} THEN CAST(stats_min_value AS ${t}) END)`,
        `max(CASE WHEN ${where} THEN CAST(stats_max_value AS ${t}) END)`,
      );
      const inexact =
        'stats_null_count < row_group_num_rows AND (stats_min_value IS NULL OR stats_max_value IS NULL' +
        ' OR min_is_exact IS NOT TRUE OR max_is_exact IS NOT TRUE)';
      parts.push(`count(*) FILTER (WHERE ${where} AND (${missingNulls} OR (${inexact})))`);
    } else {
      parts.push('NULL', 'NULL', `count(*) FILTER (WHERE ${where} AND ${missingNulls})`);
    }
    parts.push(`sum(stats_null_count) FILTER (WHERE ${where})`, `count(*) FILTER (WHERE ${where})`);
  });
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const reader = await conn.runAndReadAll(
    `SELECT ${parts.join(', ')} FROM parquet_metadata(${list}) GROUP BY file_name`,
  );
  const byFile = new Map<string, Stats>();
  for (const row of reader.getRows()) {
    const numRecords = Number(row[1] ?? 0n);
    const rowGroups = Number(row[2]);
    if (Number(row[3]) !== rowGroups * fields.length) return undefined;
    const columns: unknown[][] = [];
    const nulls: number[] = [];
    for (let i = 0; i < fields.length; i++) {
      const base = 4 + i * 5;
      const f = fields[i] as StructField;
      if (Number(row[base + 2]) !== 0 || Number(row[base + 4]) !== rowGroups) return undefined;
      columns.push([fromDuck(row[base] ?? null, f.type), fromDuck(row[base + 1] ?? null, f.type)]);
      nulls.push(Number(row[base + 3] ?? 0n));
    }
    const stats = computeStats(dataSchema, columns, numRecords);
    fields.forEach((f, i) => {
      if (f.name in stats.nullCount) stats.nullCount[f.name] = nulls[i];
    });
    byFile.set(row[0] as string, stats);
  }
  const out: Stats[] = [];
  for (const p of paths) {
    const s = byFile.get(p);
    if (!s) return undefined;
    out.push(s);
  }
  return out;
}

/** Delta file stats (in `paths` order) computed by DuckDB reading the files back. */
async function scannedStats(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[]> {
  const parts: string[] = ['filename', 'count(*)'];
  for (const f of dataSchema.fields) {
    const c = quoteIdent(f.name);
    const comparable = f.type !== 'boolean' && f.type !== 'binary';
    parts.push(comparable ? `min(${c})` : 'NULL', comparable ? `max(${c})` : 'NULL', `count(${c})`);
  }
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const reader = await conn.runAndReadAll(
    `SELECT ${parts.join(', ')} FROM read_parquet(${list}, filename = true) GROUP BY filename`,
  );
  const byFile = new Map<string, Stats>();
  for (const row of reader.getRows()) {
    const numRecords = Number(row[1]);
    const columns: unknown[][] = [];
    const nulls: number[] = [];
    dataSchema.fields.forEach((f, i) => {
      const base = 2 + i * 3;
      columns.push([fromDuck(row[base] ?? null, f.type), fromDuck(row[base + 1] ?? null, f.type)]);
      nulls.push(numRecords - Number(row[base + 2]));
    });
    const stats = computeStats(dataSchema, columns, numRecords);
    dataSchema.fields.forEach((f, i) => {
      if (f.name in stats.nullCount) stats.nullCount[f.name] = nulls[i];
    });
    byFile.set(row[0] as string, stats);
  }
  return paths.map((p) => {
    const stats = byFile.get(p);
    if (!stats) throw new Error(`no rows read back from staged file ${p}`);
    return stats;
  });
}
