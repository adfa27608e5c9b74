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
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Add, Remove } from '../delta/protocol/actions.js';
import { encodeAddPath } from '../delta/protocol/paths.js';
import type { StructType } from '../delta/protocol/schema.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { commitFiles } from '../delta/table.js';
import { computeStats, statsToJson } from '../delta/write/stats.js';
import { fromDuck, quoteIdent, quoteLiteral } from './duck-types.js';

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
): Promise<WriteOutcome> {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.partitionColumns;
  if (partitionColumns.length > 1) throw new Error(`${snapshot.table}: one partition column at most`);
  const partition = partitionColumns[0];
  const dataSchema: StructType = {
    type: 'struct',
    fields: schema.fields.filter((f) => f.name !== partition),
  };
  const stats = await partitionStats(conn, relation, dataSchema, partition);
  const rows = [...stats.values()].reduce((n, s) => n + s.numRecords, 0);

  const dir = join(stagingDir, randomUUID());
  await mkdir(dir, { recursive: true });
  const columns = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
  const order = partition ? ` ORDER BY ${quoteIdent(partition)}` : '';
  const adds: Add[] = [];
  if (rows > 0) {
    const select = `SELECT ${columns} FROM ${quoteIdent(relation)}${order}`;
    if (partition) {
      await conn.run(
        `COPY (${select}) TO ${quoteLiteral(dir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${quoteIdent(partition)}), FILENAME_PATTERN 'part-00000-{uuid}-c000.snappy', OVERWRITE_OR_IGNORE)`,
      );
    } else {
      await conn.run(
        `COPY (${select}) TO ${quoteLiteral(join(dir, `part-00000-${randomUUID()}-c000.snappy.parquet`))} (FORMAT parquet, COMPRESSION snappy)`,
      );
    }
    for (const staged of await listStaged(dir, partition)) {
      const fileStats = stats.get(staged.partitionValue ?? '');
      if (!fileStats)
        throw new Error(`${snapshot.table}: DuckDB wrote an unexpected partition ${staged.relativePath}`);
      if (staged.filesInPartition !== 1)
        throw new Error(`${snapshot.table}: expected one file per partition, got ${staged.filesInPartition}`);
      const bytes = await readFile(join(dir, staged.relativePath));
      await snapshot.store.put(staged.relativePath, bytes);
      adds.push({
        path: encodeAddPath(staged.relativePath),
        partitionValues: partition ? { [partition]: staged.partitionValue ?? null } : {},
        size: bytes.length,
        modificationTime: nowMs,
        dataChange: true,
        stats: statsToJson(fileStats),
      });
    }
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

/** Per partition value (log form): Delta file stats computed by DuckDB over the relation. */
async function partitionStats(
  conn: DuckDBConnection,
  relation: string,
  dataSchema: StructType,
  partition: string | undefined,
): Promise<Map<string, Stats>> {
  const parts: string[] = [partition ? `CAST(${quoteIdent(partition)} AS VARCHAR)` : `''`, 'count(*)'];
  for (const f of dataSchema.fields) {
    const c = quoteIdent(f.name);
    const comparable = f.type !== 'boolean' && f.type !== 'binary';
    parts.push(comparable ? `min(${c})` : 'NULL', comparable ? `max(${c})` : 'NULL', `count(${c})`);
  }
  const group = partition ? ` GROUP BY ${quoteIdent(partition)}` : '';
  const reader = await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${quoteIdent(relation)}${group}`);
  const out = new Map<string, Stats>();
  for (const row of reader.getRows()) {
    const key = (row[0] as string | null) ?? '';
    const numRecords = Number(row[1]);
    if (numRecords === 0) continue;
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
    out.set(key, stats);
  }
  return out;
}

interface StagedFile {
  relativePath: string;
  partitionValue: string | undefined;
  filesInPartition: number;
}

async function listStaged(dir: string, partition: string | undefined): Promise<StagedFile[]> {
  if (!partition) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.parquet'));
    return names.map((n) => ({ relativePath: n, partitionValue: undefined, filesInPartition: names.length }));
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
        filesInPartition: names.length,
      });
  }
  return out;
}
