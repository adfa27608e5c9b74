/**
 * Delta file statistics (numRecords, minValues, maxValues, nullCount) of the Parquet files DuckDB
 * wrote for an output table, exact for every column type the transforms write: taken from the files'
 * footers when every column's statistics are present and exact, else computed by reading the files
 * back. Either way they describe the files as written, not the relation they came from.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { StructField, StructType } from '../delta/protocol/schema.js';
import { computeStats } from '../delta/write/stats.js';
import { duckType, fromDuck, quoteIdent, quoteLiteral, stringAsBytes } from './duck-types.js';
import { footerStatsOf, footerType } from './footer-stats.js';

export type StagedStats = ReturnType<typeof computeStats>;
type Stats = StagedStats;

/**
 * Delta file stats of the staged files (in `paths` order). They come from the Parquet footers DuckDB
 * wrote (row-group statistics) when every column's statistics are present and exact — parsed here
 * (footer-stats.ts), or by DuckDB for what that parser declines; otherwise from an aggregate over the
 * staged files themselves (same result, one more pass over the data).
 */
export async function statsOfStaged(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[]> {
  return (
    (await footerStatsOf(paths, dataSchema)) ??
    (await footerStats(conn, paths, dataSchema)) ??
    (await scannedStats(conn, paths, dataSchema))
  );
}

/**
 * Stats per file (in `paths` order) from the files' Parquet footers, or undefined when some column's
 * statistics are missing, inexact or not of a flat primitive column (the caller then aggregates).
 * Footer min/max are the logical values (DuckDB converts decimals, dates and timestamps), cast back to
 * the column type exactly; row-group values combine by min of mins, max of maxes, sum of null counts.
 *
 * One row per (file, column): the footer rows are read once, then one small aggregate per column type
 * (the casts differ by type), glued with UNION ALL BY NAME so each type keeps its own typed min/max
 * columns. (One aggregate per column in a single SELECT costs ~5× more to plan than to run.)
 */
export async function footerStats(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[] | undefined> {
  const fields = dataSchema.fields;
  if (paths.length === 0 || fields.length === 0) return undefined;
  const kinds = fields.map((f) => footerType(f.type));
  if (kinds.some((k) => k === undefined)) return undefined;

  // Columns grouped by the DuckDB type their footer values are cast to ('' = null counts only).
  const groups = new Map<string, string[]>();
  fields.forEach((f, i) => {
    const key = kinds[i] === 'minmax' ? duckType(f.type) : '';
    groups.set(key, [...(groups.get(key) ?? []), f.name]);
  });
  const inexact =
    'stats_null_count < row_group_num_rows AND (stats_min_value IS NULL OR stats_max_value IS NULL' +
    ' OR min_is_exact IS NOT TRUE OR max_is_exact IS NOT TRUE)';
  const selects = [...groups].map(([type, names], g) => {
    const parts = [
      'file_name',
      'path_in_schema AS col',
      'sum(row_group_num_rows) AS num_rows',
      'count(*) AS row_groups',
      'sum(stats_null_count) AS nulls',
      type
        ? `count(*) FILTER (WHERE stats_null_count IS NULL OR (${inexact})) AS unusable`
        : 'count(*) FILTER (WHERE stats_null_count IS NULL) AS unusable',
    ];
    const exact = (sql: string) => (type === 'VARCHAR' ? stringAsBytes(sql) : sql);
    if (type)
      parts.push(
        `${exact(`min(CAST(stats_min_value AS ${type}))`)} AS min_${g}`,
        `${exact(`max(CAST(stats_max_value AS ${type}))`)} AS max_${g}`,
      );
    return `SELECT ${parts.join(', ')} FROM footer WHERE path_in_schema IN (${names.map(quoteLiteral).join(', ')}) GROUP BY ALL`;
  });
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const reader = await conn.runAndReadAll(
    `WITH footer AS MATERIALIZED (SELECT * FROM parquet_metadata(${list})) ${selects.join(' UNION ALL BY NAME ')}`,
  );
  const names = reader.columnNames();
  const at = (name: string) => names.indexOf(name);
  const [iFile, iCol, iRows, iGroups, iNulls, iUnusable] = [
    'file_name',
    'col',
    'num_rows',
    'row_groups',
    'nulls',
    'unusable',
  ].map(at) as [number, number, number, number, number, number];
  const groupOf = new Map<string, number>();
  [...groups.values()].forEach((cols, g) => cols.forEach((c) => groupOf.set(c, g)));

  const perFile = new Map<string, Map<string, readonly DuckDBValue[]>>();
  for (const row of reader.getRows()) {
    const file = row[iFile] as string;
    let cols = perFile.get(file);
    if (!cols) perFile.set(file, (cols = new Map<string, readonly DuckDBValue[]>()));
    cols.set(row[iCol] as string, row);
  }
  const out: Stats[] = [];
  for (const p of paths) {
    const cols = perFile.get(p);
    if (!cols || cols.size !== fields.length) return undefined;
    const first = cols.get((fields[0] as StructField).name);
    const rowGroups = Number(first?.[iGroups] ?? -1);
    const numRecords = Number(first?.[iRows] ?? 0n);
    const columns: unknown[][] = [];
    const nulls: number[] = [];
    for (const f of fields) {
      const row = cols.get(f.name);
      if (!row || Number(row[iGroups]) !== rowGroups || Number(row[iUnusable]) !== 0) return undefined;
      const g = groupOf.get(f.name) as number;
      const [iMin, iMax] = [at(`min_${g}`), at(`max_${g}`)];
      columns.push(
        iMin < 0 ? [null, null] : [fromDuck(row[iMin] ?? null, f.type), fromDuck(row[iMax] ?? null, f.type)],
      );
      nulls.push(Number(row[iNulls] ?? 0n));
    }
    const stats = computeStats(dataSchema, columns, numRecords);
    fields.forEach((f, i) => {
      if (f.name in stats.nullCount) stats.nullCount[f.name] = nulls[i];
    });
    out.push(stats);
  }
  return out;
}

/** Delta file stats (in `paths` order) computed by DuckDB reading the files back. */
export async function scannedStats(
  conn: DuckDBConnection,
  paths: readonly string[],
  dataSchema: StructType,
): Promise<Stats[]> {
  const parts: string[] = ['filename', 'count(*)'];
  for (const f of dataSchema.fields) {
    const c = quoteIdent(f.name);
    const comparable = f.type !== 'boolean' && f.type !== 'binary';
    const exact = (sql: string) => (f.type === 'string' ? stringAsBytes(sql) : sql);
    parts.push(
      comparable ? exact(`min(${c})`) : 'NULL',
      comparable ? exact(`max(${c})`) : 'NULL',
      `count(${c})`,
    );
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
