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
import type { StructType } from '../delta/protocol/schema.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { checkKey } from '../delta/storage/store-rules.js';
import { commitFiles } from '../delta/table.js';
import { statsToJson } from '../delta/write/stats.js';
import { statsOfStaged, type StagedStats } from './staged-stats.js';
import { countRows, quoteIdent, quoteLiteral } from './duck-types.js';
import { mapLimit } from '../delta/map-limit.js';

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
      const fileStats = stats[i] as StagedStats;
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

const PLACE_CONCURRENCY = 8;

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
