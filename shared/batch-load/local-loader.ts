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
import type { ObjectStore } from '../delta/storage/object-store.js';
import { commitLoads, type CommitLoadsPorts, type FileWork } from './commit-loads.js';
import { batchLoadAppId, contentVersion } from './content-version.js';
import type { FileOutcome, LocalLoadResult } from './local-load-result.js';
import { listSources } from './list-sources.js';
import {
  BATCH_QUARANTINE_TABLE,
  PRODUCTS_TABLE,
  SALES_HISTORY_TABLE,
  STORES_TABLE,
} from './master-tables.js';
import { openTables, tableFor, writeRows } from './open-table.js';
import { parseSourceFile } from './parse-source-file.js';

export type { FileOutcome, FileStatus, LocalLoadResult, TableOutcome } from './local-load-result.js';

export interface LocalLoaderPorts extends CommitLoadsPorts {
  /** The landing zone root (files at `stores.csv`, `products.csv`, `history/…`). */
  landing: ObjectStore;
  /** The lake root; tables live at their logical names under it. */
  lake: ObjectStore;
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
