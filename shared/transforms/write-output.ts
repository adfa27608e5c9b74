/**
 * Writes a DuckDB relation as the new content of some partitions of a Delta table: DuckDB writes the
 * Parquet files (snappy, DATA_PAGE v1, UTC-adjusted timestamps), our Delta library commits them.
 *
 * Invariant: the files of every rewritten partition are removed and the new files added in ONE commit
 * (replaceWhere-style), so a reader sees either the old or the new content of a partition, never both
 * or neither. Files are uploaded before the commit that references them; an interrupted run leaves
 * only unreferenced files (removed by vacuum).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Add, Remove } from '../delta/protocol/actions.js';
import { encodeAddPath } from '../delta/protocol/paths.js';
import type { StructField, StructType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { checkKey } from '../delta/storage/store-rules.js';
import { commitFiles } from '../delta/table.js';
import { computeStats, statsToJson } from '../delta/write/stats.js';
import { duckType, fromDuck, quoteIdent, quoteLiteral } from './duck-types.js';

export interface PartitionRewrite {
  /** Partition values (as the log writes them) whose current files are replaced; 'all' = every file. */
  replace: ReadonlySet<string> | 'all';
  /** Human-readable predicate for the commit info, e.g. `business_date IN ('2026-11-16')`. */
  predicate: string;
}

export interface WriteOutcome {
  version: number;
  rows: number;
  filesAdded: number;
  filesRemoved: number;
}

export async function writeOutput(
  conn: DuckDBConnection,
  relation: string,
  snapshot: Snapshot,
  rewrite: PartitionRewrite,
  stagingDir: string,
  nowMs: number,
  commitInfo: Record<string, unknown>,
  localTableDir?: string,
): Promise<WriteOutcome> {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.partitionColumns;
  if (partitionColumns.length > 1) throw new Error(`${snapshot.table}: one partition column at most`);
  const partition = partitionColumns[0];
  const dataSchema: StructType = {
    type: 'struct',
    fields: schema.fields.filter((f) => f.name !== partition),
  };
  const rows = await countRows(conn, relation);

  const dir = join(stagingDir, randomUUID());
  await mkdir(dir, { recursive: true });
  const columns = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
  const adds: Add[] = [];
  if (rows > 0) {
    // No ORDER BY: DuckDB writes each partition's rows to its own file(s) as they come; a partition
    // may get more than one file (e.g. over partitioned_write_max_open_files), which Delta allows.
    const select = `SELECT ${columns} FROM ${quoteIdent(relation)}`;
    if (partition) {
      await conn.run(
        `COPY (${select}) TO ${quoteLiteral(dir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${quoteIdent(partition)}), FILENAME_PATTERN 'part-00000-{uuid}-c000.snappy', OVERWRITE_OR_IGNORE)`,
      );
    } else {
      await conn.run(
        `COPY (${select}) TO ${quoteLiteral(join(dir, `part-00000-${randomUUID()}-c000.snappy.parquet`))} (FORMAT parquet, COMPRESSION snappy)`,
      );
    }
    const staged = (await listStaged(dir, partition)).map((f) => ({
      ...f,
      local: join(dir, f.relativePath),
    }));
    const stats = await statsOfStaged(
      conn,
      staged.map((f) => f.local),
      dataSchema,
    );
    // Files are independent until the commit: sync/move (or upload) a few at a time.
    const sizes = await mapLimit(staged, PLACE_CONCURRENCY, (file) =>
      place(snapshot, localTableDir, file.local, file.relativePath),
    );
    let written = 0;
    staged.forEach((file, i) => {
      const fileStats = stats[i] as Stats;
      written += fileStats.numRecords;
      adds.push({
        path: encodeAddPath(file.relativePath),
        partitionValues: partition ? { [partition]: file.partitionValue ?? null } : {},
        size: sizes[i] as number,
        modificationTime: nowMs,
        dataChange: true,
        stats: statsToJson(fileStats),
      });
    });
    if (written !== rows)
      throw new Error(`${snapshot.table}: wrote ${written} rows of ${rows} (DuckDB output does not match)`);
  }

  const removes: Remove[] = snapshot.files
    .filter(
      (a) =>
        rewrite.replace === 'all' ||
        (partition !== undefined && rewrite.replace.has(a.partitionValues[partition] ?? '')),
    )
    .map((a) => ({
      path: a.path,
      deletionTimestamp: nowMs,
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: a.partitionValues,
      size: a.size,
    }));
  if (adds.length === 0 && removes.length === 0)
    return { version: snapshot.version, rows: 0, filesAdded: 0, filesRemoved: 0 };
  const result = await commitFiles(snapshot, adds, removes, 'WRITE', {
    operationParameters: {
      mode: 'Overwrite',
      partitionBy: JSON.stringify(partitionColumns),
      predicate: JSON.stringify([rewrite.predicate]),
      ...commitInfo,
    },
    readFiles: 'all',
    operationMetrics: {
      numFiles: String(adds.length),
      numRemovedFiles: String(removes.length),
      numOutputRows: String(rows),
      numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
    },
  });
  if (result.kind !== 'committed') {
    throw new Error(
      `${snapshot.table}: commit conflict (${JSON.stringify(result.conflict)}); the run can be retried with the same watermark`,
    );
  }
  return { version: result.version, rows, filesAdded: adds.length, filesRemoved: removes.length };
}

type Stats = ReturnType<typeof computeStats>;

const PLACE_CONCURRENCY = 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Puts a staged file into the table under `key`; returns its size. When the table is a local directory
 * on the staging filesystem the file is moved, not copied, keeping LocalFsStore's invariant (visible
 * under its final name only once durable): fsync the file, rename it over the final name, fsync the
 * directory. Otherwise (or across filesystems) it is uploaded through the store.
 */
async function place(
  snapshot: Snapshot,
  localTableDir: string | undefined,
  staged: string,
  key: string,
): Promise<number> {
  if (localTableDir !== undefined) {
    checkKey(snapshot.store.description, key);
    const target = join(localTableDir, ...key.split('/'));
    const handle = await open(staged, 'r+');
    let size: number;
    try {
      await handle.sync();
      size = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    await mkdir(dirname(target), { recursive: true });
    let moved = true;
    try {
      await rename(staged, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      moved = false;
    }
    if (moved) {
      const dirHandle = await open(dirname(target), 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
      return size;
    }
  }
  const bytes = await readFile(staged);
  await snapshot.store.put(key, bytes);
  return bytes.length;
}

async function countRows(conn: DuckDBConnection, relation: string): Promise<number> {
  const reader = await conn.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(relation)}`);
  return Number(reader.getRows()[0]?.[0] ?? 0n);
}

/**
 * Delta file stats of the staged files (in `paths` order). They come from the Parquet footers DuckDB
 * wrote (row-group statistics) when every column's statistics are present and exact; otherwise from an
 * aggregate over the staged files themselves (same result, one more pass over the data).
 */
async function statsOfStaged(
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

interface StagedFile {
  relativePath: string;
  partitionValue: string | undefined;
}

async function listStaged(dir: string, partition: string | undefined): Promise<StagedFile[]> {
  if (!partition) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.parquet'));
    return names.map((n) => ({ relativePath: n, partitionValue: undefined }));
  }
  const out: StagedFile[] = [];
  for (const sub of await readdir(dir)) {
    const prefix = `${partition}=`;
    if (!sub.startsWith(prefix)) continue;
    const names = (await readdir(join(dir, sub))).filter((n) => n.endsWith('.parquet'));
    for (const n of names)
      out.push({
        relativePath: `${sub}/${n}`,
        partitionValue: decodeURIComponent(sub.slice(prefix.length)),
      });
  }
  return out;
}
