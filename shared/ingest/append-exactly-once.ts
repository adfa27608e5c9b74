/**
 * Appends rows to a Delta table with an optional exactly-once `txn{appId: streamId, version}` in the
 * same commit (kafka-delta-ingest's scheme, DESIGN.md "Exactly-once").
 *
 * Invariants:
 * - A row whose `seq` is at or below the table's watermark for `streamId` is never written again.
 * - Concurrent appends in this process share one commit (group-committer.ts); lost version races with
 *   other processes are retried inside the Delta transaction (different appIds never conflict). A `ConcurrentTransaction` conflict means another owner of the same stream
 *   committed first (e.g. during a partition rebalance): the snapshot is reloaded, the watermark
 *   re-checked, only rows above it are rewritten, and the commit retried — at most `maxTxnRetries`
 *   times, then `IngestError(CommitRetriesExhausted)` is thrown for the host to retry.
 * - Data files of an attempt that did not commit are orphans: never referenced, removed by vacuum.
 * - The snapshot may be a cached, older one (snapshot-cache.ts): every commit since it is still
 *   checked, so a watermark it misses surfaces as a ConcurrentTransaction conflict and a reload.
 */
import { DeltaError } from '../delta/errors.js';
import type { StructType } from '../delta/protocol/schema.js';
import { tableProperties } from '../delta/protocol/table-properties.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { loadSnapshot, refreshSnapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { createTable } from '../delta/table.js';
import type { CommitOptions } from '../delta/transaction/transaction.js';
import type { Add } from '../delta/protocol/actions.js';
import { groupCommitter } from './group-committer.js';
import { writeDataFiles } from '../delta/write/data-file-writer.js';
import { IngestError } from './ingest-errors.js';
import type { RowBuffer } from './row-buffer.js';
import {
  cachedSnapshot,
  forgetSnapshot,
  lastSnapshot,
  noteCommit,
  rememberSnapshot,
} from './snapshot-cache.js';

export interface AppendRequest {
  store: ObjectStore;
  snapshot: Snapshot;
  rows: RowBuffer;
  streamId: string | undefined;
  /** The batch's last position (the new watermark), ≥ every row's seq. */
  watermark: number | undefined;
  commit?: CommitOptions;
  maxTxnRetries?: number;
}

export interface AppendOutcome {
  version: number | undefined;
  /** Positions written by this call (a subset of the request when another owner got there first). */
  written: ReadonlySet<number | undefined>;
  attempts: number;
  /** Lost version races to other streams (resolved without rewriting). */
  versionRaces: number;
  /** ConcurrentTransaction / metadata conflicts that forced a reload. */
  txnConflicts: number;
  /** Appends that shared the winning commit (group commit), this one included. */
  groupSize: number;
}

export async function appendExactlyOnce(req: AppendRequest): Promise<AppendOutcome> {
  const maxRetries = req.maxTxnRetries ?? 10;
  const committer = groupCommitter(req.store, req.commit);
  let snapshot = req.snapshot;
  let attempts = 0;
  let previous: { rows: RowBuffer; adds: Add[] } | undefined;
  for (let round = 0; round <= maxRetries; round++) {
    const mark = req.streamId === undefined ? -1 : snapshot.txnVersion(req.streamId);
    const rows = req.streamId === undefined ? req.rows : req.rows.above(mark);
    if (rows.length === 0)
      return {
        version: undefined,
        written: new Set(),
        attempts,
        versionRaces: 0,
        txnConflicts: round,
        groupSize: 0,
      };
    // Files already written for exactly these rows are reused; otherwise the old ones become orphans.
    const adds =
      previous && previous.rows.length === rows.length
        ? previous.adds
        : await writeDataFiles(
            req.store,
            snapshot.schema,
            snapshot.partitionColumns,
            rows.toColumns(snapshot.schema),
            {
              indexedColumns: tableProperties(snapshot.metadata.configuration).indexedColumns,
            },
          );
    previous = { rows, adds };
    const txn =
      req.streamId !== undefined && req.watermark !== undefined
        ? { appId: req.streamId, version: req.watermark }
        : undefined;
    const result = await committer.commit(snapshot, adds, txn);
    if (result.kind === 'committed') {
      noteCommit(req.store, result.version, txn ? [txn.appId] : []);
      if (result.snapshot) rememberSnapshot(req.store, result.snapshot);
      attempts += result.attempts;
      return {
        version: result.version,
        written: new Set(rows.seqs),
        attempts,
        versionRaces: result.conflictsResolved,
        txnConflicts: round,
        groupSize: result.groupSize,
      };
    }
    if (result.kind === 'conflict') {
      attempts += result.attempts;
      const kind = result.conflict.kind;
      if (kind !== 'ConcurrentTransaction' && kind !== 'MetadataChanged' && kind !== 'ProtocolChanged') {
        throw new DeltaError(
          'CommitConflict',
          `append to ${req.store.description} conflicted: ${result.conflict.detail}`,
          {
            table: req.store.description,
            version: result.conflict.version,
          },
        );
      }
    }
    forgetSnapshot(req.store);
    snapshot = await loadSnapshot(req.store);
    rememberSnapshot(req.store, snapshot);
    // A changed schema or protocol needs files written against the new snapshot.
    if (result.kind === 'conflict' && result.conflict.kind !== 'ConcurrentTransaction') previous = undefined;
  }
  throw new IngestError(
    'CommitRetriesExhausted',
    `gave up appending to ${req.store.description} after ${maxRetries + 1} conflicting rounds`,
    {
      table: req.store.description,
      ...(req.streamId === undefined ? {} : { streamId: req.streamId }),
    },
  );
}

/** The table's latest snapshot, creating the table first when it does not exist yet. */
export async function openOrCreate(
  store: ObjectStore,
  schema: StructType,
  partitionColumns: string[],
  name: string,
  configuration: Record<string, string> = {},
  streamId?: string,
): Promise<Snapshot> {
  const cached = cachedSnapshot(store, streamId);
  if (cached) return cached;
  const stale = lastSnapshot(store);
  let snapshot: Snapshot;
  try {
    snapshot = stale ? await refreshSnapshot(stale) : await loadSnapshot(store);
  } catch (err) {
    if (!(err instanceof DeltaError) || err.kind !== 'TableNotFound') throw err;
    snapshot = (await createTable(store, { schema, partitionColumns, name, configuration })).snapshot;
  }
  rememberSnapshot(store, snapshot);
  return snapshot;
}
