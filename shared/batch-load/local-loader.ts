/**
 * The local batch load: landing files (stores.csv, products.csv, history/sales_daily_<date>.csv in a
 * folder or container) → bronze/stores, bronze/products, bronze/sales_history, and rejected rows →
 * bronze/batch_quarantine with reason codes.
 *
 * Guarantees:
 * - Idempotent per file content. Each commit carries, for every file it loads, a Delta `txn` with
 *   appId `batch-load:<landing path>` and version = the content hash (content-version.ts). A file whose
 *   current bytes are already recorded in its target table is not read further; a file whose bytes
 *   changed under the same name is loaded again, as a new snapshot of that file (master data: readers
 *   take the latest `loaded_at` per key; history: the rows of the latest load of each `source_file`).
 *   A file that changes back to earlier bytes is loaded again too, so the latest load always matches
 *   the file as it is now.
 * - Quarantine commits before the target tables, with the same txns, so a crash in between leaves the
 *   rejected rows recorded and the next run loads only the good rows, without duplicating rejects.
 * - Concurrent loaders: two commits carrying the same appId conflict (ConcurrentTransaction); the loser
 *   reloads the table, drops the files the winner recorded with the same content, and retries with the
 *   rest, so every file content lands once.
 * - One commit per table per run (all files together), so a run adds at most four versions.
 * - Only infrastructure failures throw; every data record ends in its table or in quarantine.
 */
import { DeltaError } from '../delta/errors.js';
import type { Add } from '../delta/protocol/actions.js';
import type { StructType } from '../delta/protocol/schema.js';
import { tableProperties } from '../delta/protocol/table-properties.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { createTable, maybeCheckpoint } from '../delta/table.js';
import type { CommitOptions } from '../delta/transaction/transaction.js';
import { Transaction } from '../delta/transaction/transaction.js';
import type { ColumnBatch } from '../delta/write/data-file-writer.js';
import { writeDataFiles } from '../delta/write/data-file-writer.js';
import { BatchLoadError } from './batch-load-error.js';
import { batchLoadAppId, contentVersion } from './content-version.js';
import {
  BATCH_QUARANTINE_SCHEMA,
  BATCH_QUARANTINE_TABLE,
  MASTER_PARTITIONS,
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from './master-tables.js';
import { parseSourceFile } from './parse-source-file.js';
import { classifyLandingPath, type LandingFile } from './source-formats.js';

export interface LocalLoaderPorts {
  /** The landing zone root (files at `stores.csv`, `products.csv`, `history/…`). */
  landing: ObjectStore;
  /** The lake root; tables live at their logical names under it. */
  lake: ObjectStore;
  /** Wall clock in ms; the run's `loaded_at`. */
  now(): number;
  commit?: CommitOptions;
  /** Conflict rounds per table before giving up (default 5). */
  maxConflictRounds?: number;
}

export type FileStatus =
  /** Loaded by this run. */
  | 'loaded'
  /** These exact bytes were loaded before. */
  | 'unchanged'
  /** A concurrent loader committed these exact bytes first. */
  | 'loaded_concurrently'
  /** Not a batch-load source (see `reason`). */
  | 'ignored';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  table?: string;
  contentVersion?: number;
  /** Rows this run wrote to the target table / to quarantine. */
  rows: number;
  quarantined: number;
  reason?: string;
}

export interface TableOutcome {
  table: string;
  rowsWritten: number;
  filesLoaded: number;
  /** The table version after the run: this run's commit, or the version it found unchanged. */
  version: number;
  /** True when this run committed a version. */
  committed: boolean;
}

export interface LocalLoadResult {
  loadedAtMicros: bigint;
  files: FileOutcome[];
  tables: Record<string, TableOutcome>;
}

export async function runLocalLoader(ports: LocalLoaderPorts): Promise<LocalLoadResult> {
  const loadedAtMicros = BigInt(Math.trunc(ports.now())) * 1000n;
  const tables = await openTables(ports.lake);
  const quarantine = tableFor(tables, BATCH_QUARANTINE_TABLE);
  const { sources, files } = await listSources(ports.landing);

  const work: FileWork[] = [];
  for (const file of sources) {
    const bytes = await ports.landing.get(file.path);
    if (bytes === undefined) {
      files.push({
        path: file.path,
        status: 'ignored',
        rows: 0,
        quarantined: 0,
        reason: 'deleted while the load ran',
      });
      continue;
    }
    const target = tableFor(tables, file.format.table);
    const appId = batchLoadAppId(file.path);
    const version = contentVersion(bytes);
    const outcome: FileOutcome = {
      path: file.path,
      status: 'unchanged',
      table: file.format.table,
      contentVersion: version,
      rows: 0,
      quarantined: 0,
    };
    files.push(outcome);
    if (target.snapshot.txnVersion(appId) === version) continue;
    const parsed = parseSourceFile(file, bytes, loadedAtMicros);
    const needsQuarantine = quarantine.snapshot.txnVersion(appId) !== version;
    work.push({
      file,
      appId,
      version,
      outcome,
      target: { adds: await writeRows(target, parsed.rows), rows: parsed.rows.length },
      quarantine: needsQuarantine
        ? { adds: await writeRows(quarantine, parsed.rejected), rows: parsed.rejected.length }
        : undefined,
    });
  }

  const result: LocalLoadResult = { loadedAtMicros, files, tables: {} };
  const commitQuarantine = await commitLoads(
    ports,
    quarantine,
    work.flatMap((w) => (w.quarantine ? [{ work: w, part: w.quarantine }] : [])),
  );
  for (const { work: w, part } of commitQuarantine.committed) w.outcome.quarantined = part.rows;
  result.tables[BATCH_QUARANTINE_TABLE] = commitQuarantine.table;

  const targets = [STORES_TABLE, PRODUCTS_TABLE, SALES_HISTORY_TABLE].map((name) => tableFor(tables, name));
  const outcomes = await Promise.all(
    targets.map((t) =>
      commitLoads(
        ports,
        t,
        work.filter((w) => w.file.format.table === t.name).map((w) => ({ work: w, part: w.target })),
      ),
    ),
  );
  for (const outcome of outcomes) {
    result.tables[outcome.table.table] = outcome.table;
    for (const { work: w, part } of outcome.committed) {
      w.outcome.status = 'loaded';
      w.outcome.rows = part.rows;
    }
    for (const w of outcome.superseded) w.outcome.status = 'loaded_concurrently';
  }
  return result;
}

interface OpenTable {
  name: string;
  store: ObjectStore;
  snapshot: Snapshot;
}

interface LoadPart {
  adds: Add[];
  rows: number;
}

interface FileWork {
  file: LandingFile;
  appId: string;
  version: number;
  outcome: FileOutcome;
  target: LoadPart;
  /** Undefined when the quarantine already holds this content's rejects. */
  quarantine: LoadPart | undefined;
}

const TABLE_SCHEMAS: readonly [string, StructType][] = [
  [STORES_TABLE, STORES_SCHEMA],
  [PRODUCTS_TABLE, PRODUCTS_SCHEMA],
  [SALES_HISTORY_TABLE, SALES_HISTORY_SCHEMA],
  [BATCH_QUARANTINE_TABLE, BATCH_QUARANTINE_SCHEMA],
];

async function openTables(lake: ObjectStore): Promise<Map<string, OpenTable>> {
  const opened = await Promise.all(
    TABLE_SCHEMAS.map(async ([name, schema]) => {
      const store = prefixed(lake, name);
      return {
        name,
        store,
        snapshot: await openOrCreate(store, schema, MASTER_PARTITIONS[name] ?? [], name.replace('/', '_')),
      };
    }),
  );
  return new Map(opened.map((t) => [t.name, t]));
}

async function openOrCreate(
  store: ObjectStore,
  schema: StructType,
  partitionColumns: string[],
  name: string,
): Promise<Snapshot> {
  try {
    return await loadSnapshot(store);
  } catch (err) {
    if (!(err instanceof DeltaError) || err.kind !== 'TableNotFound') throw err;
  }
  return (await createTable(store, { schema, partitionColumns, name })).snapshot;
}

function tableFor(tables: Map<string, OpenTable>, name: string): OpenTable {
  const table = tables.get(name);
  if (!table) throw new Error(`table ${name} was not opened`);
  return table;
}

async function listSources(landing: ObjectStore): Promise<{ sources: LandingFile[]; files: FileOutcome[] }> {
  const sources: LandingFile[] = [];
  const files: FileOutcome[] = [];
  for (const meta of await landing.list('')) {
    const classified = classifyLandingPath(meta.key);
    if (classified === undefined) continue;
    if ('ignored' in classified)
      files.push({ path: meta.key, status: 'ignored', rows: 0, quarantined: 0, reason: classified.ignored });
    else sources.push(classified);
  }
  return { sources, files };
}

async function writeRows(table: OpenTable, rows: readonly object[]): Promise<Add[]> {
  if (rows.length === 0) return [];
  const { snapshot } = table;
  return writeDataFiles(
    table.store,
    snapshot.schema,
    snapshot.partitionColumns,
    toColumns(snapshot.schema, rows),
    {
      indexedColumns: tableProperties(snapshot.metadata.configuration).indexedColumns,
    },
  );
}

function toColumns(schema: StructType, rows: readonly object[]): ColumnBatch {
  const batch: Record<string, unknown[]> = {};
  for (const f of schema.fields)
    batch[f.name] = rows.map((r) => (r as Record<string, unknown>)[f.name] ?? null);
  return batch;
}

interface Load {
  work: FileWork;
  part: LoadPart;
}

interface CommitLoadsResult {
  table: TableOutcome;
  committed: Load[];
  /** Files a concurrent loader recorded with the same content first. */
  superseded: FileWork[];
}

/** Commits the loads' files and txns in one version, re-checking txns after each lost race. */
async function commitLoads(
  ports: LocalLoaderPorts,
  table: OpenTable,
  loads: Load[],
): Promise<CommitLoadsResult> {
  const superseded: FileWork[] = [];
  let snapshot = table.snapshot;
  let pending = loads;
  const maxRounds = ports.maxConflictRounds ?? 5;
  for (let round = 0; round <= maxRounds; round++) {
    const stillPending: Load[] = [];
    for (const load of pending) {
      if (snapshot.txnVersion(load.work.appId) === load.work.version) superseded.push(load.work);
      else stillPending.push(load);
    }
    pending = stillPending;
    if (pending.length === 0) {
      return {
        table: {
          table: table.name,
          rowsWritten: 0,
          filesLoaded: 0,
          version: snapshot.version,
          committed: false,
        },
        committed: [],
        superseded,
      };
    }
    const adds = pending.flatMap((l) => l.part.adds);
    const rows = pending.reduce((n, l) => n + l.part.rows, 0);
    const txn = new Transaction({
      store: table.store,
      readSnapshot: snapshot,
      operation: 'WRITE',
      operationParameters: { mode: 'Append', partitionBy: JSON.stringify(snapshot.partitionColumns) },
      commitInfo: {
        operationMetrics: {
          numFiles: String(adds.length),
          numOutputRows: String(rows),
          numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
        },
        userMetadata: JSON.stringify({ batchLoad: pending.map((l) => l.work.file.path) }),
      },
    });
    txn.addFiles(adds);
    const now = ports.now();
    for (const load of pending) txn.setTransaction(load.work.appId, load.work.version, now);
    const result = await txn.commit(ports.commit ?? {});
    if (result.kind === 'committed') {
      await maybeCheckpoint(table.store, result.version, snapshot);
      return {
        table: {
          table: table.name,
          rowsWritten: rows,
          filesLoaded: pending.length,
          version: result.version,
          committed: true,
        },
        committed: pending,
        superseded,
      };
    }
    if (result.conflict.kind !== 'ConcurrentTransaction') {
      throw new BatchLoadError(
        'CommitConflict',
        `batch load into ${table.name} conflicted: ${result.conflict.detail}`,
        {
          table: table.name,
          version: result.conflict.version,
        },
      );
    }
    snapshot = await loadSnapshot(table.store);
  }
  throw new BatchLoadError(
    'CommitRetriesExhausted',
    `gave up loading into ${table.name} after ${maxRounds + 1} conflicting rounds`,
    { table: table.name },
  );
}
