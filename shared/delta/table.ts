/**
 * The table-level API most callers use: create, open, append (optionally with an exactly-once `txn`),
 * history, and the post-commit checkpoint every `delta.checkpointInterval` versions.
 */
import { randomUUID } from 'node:crypto';
import { DeltaError } from './errors.js';
import type { Add, CommitInfo, Metadata, Protocol, Remove } from './protocol/actions.js';
import { parseCommit } from './protocol/actions.js';
import { commitKey } from './protocol/log-path.js';
import type { StructType } from './protocol/schema.js';
import { schemaToString } from './protocol/schema.js';
import { tableProperties } from './protocol/table-properties.js';
import type { Snapshot } from './snapshot/snapshot.js';
import { loadSnapshot } from './snapshot/snapshot.js';
import type { ObjectStore } from './storage/object-store.js';
import type { CommitOptions, CommitResult } from './transaction/transaction.js';
import { Transaction } from './transaction/transaction.js';
import type { ColumnBatch } from './write/data-file-writer.js';
import { writeDataFiles } from './write/data-file-writer.js';
import { writeCheckpoint } from './checkpoint/checkpoint-writer.js';

export const DEFAULT_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

export interface CreateTableOptions {
  schema: StructType;
  partitionColumns?: string[];
  configuration?: Record<string, string>;
  name?: string;
  description?: string;
}

export type CreateResult = { kind: 'created'; snapshot: Snapshot } | { kind: 'exists'; snapshot: Snapshot };

/** Creates the table at version 0, or reports the existing one (never overwrites). */
export async function createTable(store: ObjectStore, options: CreateTableOptions): Promise<CreateResult> {
  validateSchema(options.schema, options.partitionColumns ?? []);
  const existing = await store.head(commitKey(0));
  if (existing) return { kind: 'exists', snapshot: await loadSnapshot(store) };
  const metadata: Metadata = {
    id: randomUUID(),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(options.schema),
    partitionColumns: options.partitionColumns ?? [],
    configuration: options.configuration ?? {},
    createdTime: Date.now(),
  };
  const txn = new Transaction({
    store,
    readSnapshot: undefined,
    operation: 'CREATE TABLE',
    operationParameters: {
      mode: 'ErrorIfExists',
      partitionBy: JSON.stringify(options.partitionColumns ?? []),
    },
  })
    .updateProtocol(DEFAULT_PROTOCOL)
    .updateMetadata(metadata);
  const bytes = new TextEncoder().encode(
    txn
      .actions()
      .map((a) => JSON.stringify(a))
      .join('\n') + '\n',
  );
  const outcome = await store.putIfAbsent(commitKey(0), bytes);
  return { kind: outcome.kind === 'created' ? 'created' : 'exists', snapshot: await loadSnapshot(store) };
}

export interface AppendOptions extends CommitOptions {
  /** Exactly-once marker written in the same commit as the data. */
  txn?: { appId: string; version: number };
  /** Snapshot to build on (default: load the latest). */
  snapshot?: Snapshot;
  operationMetrics?: Record<string, string>;
  /** Write a checkpoint when the new version is a multiple of delta.checkpointInterval (default true). */
  checkpoint?: boolean;
}

export type AppendResult = CommitResult & { adds: Add[] };

/** Writes the batch as data files and commits them as one blind append. */
export async function appendBatch(
  store: ObjectStore,
  batch: ColumnBatch,
  options: AppendOptions = {},
): Promise<AppendResult> {
  const snapshot = options.snapshot ?? (await loadSnapshot(store));
  const props = tableProperties(snapshot.metadata.configuration);
  const adds = await writeDataFiles(store, snapshot.schema, snapshot.partitionColumns, batch, {
    indexedColumns: props.indexedColumns,
  });
  return { ...(await commitFiles(snapshot, adds, [], 'WRITE', options)), adds };
}

/** Commits prepared adds/removes (e.g. a partition rewrite) against `snapshot`. */
export async function commitFiles(
  snapshot: Snapshot,
  adds: Add[],
  removes: Remove[],
  operation: string,
  options: AppendOptions & {
    operationParameters?: Record<string, unknown>;
    readFiles?: ReadonlySet<string> | 'all' | 'none';
  } = {},
): Promise<CommitResult> {
  const txn = new Transaction({
    store: snapshot.store,
    readSnapshot: snapshot,
    operation,
    operationParameters: options.operationParameters ?? {
      mode: 'Append',
      partitionBy: JSON.stringify(snapshot.partitionColumns),
    },
    ...(options.readFiles ? { readFiles: options.readFiles } : {}),
    commitInfo: {
      operationMetrics: options.operationMetrics ?? {
        numFiles: String(adds.length),
        numOutputRows: String(adds.reduce((n, a) => n + numRecords(a), 0)),
        numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
      },
    },
  });
  txn.addFiles(adds).removeFiles(removes);
  if (options.txn) txn.setTransaction(options.txn.appId, options.txn.version);
  const result = await txn.commit(options);
  if (result.kind === 'committed' && options.checkpoint !== false) {
    await maybeCheckpoint(snapshot.store, result.version, snapshot);
  }
  return result;
}

/**
 * Writes a checkpoint if `version` is due under `delta.checkpointInterval`. Best effort by design.
 * `hint`: a snapshot of the table (its configuration decides); when it is the snapshot at `version`
 * itself, it is checkpointed as it is instead of being loaded again. `now` decides which tombstones
 * have expired (writeCheckpoint).
 */
export async function maybeCheckpoint(
  store: ObjectStore,
  version: number,
  hint?: Snapshot,
  now = Date.now(),
): Promise<boolean> {
  const props = tableProperties(hint?.metadata.configuration ?? {});
  if (version === 0 || version % props.checkpointInterval !== 0) return false;
  await writeCheckpoint(hint?.version === version ? hint : await loadSnapshot(store, { version }), now);
  return true;
}

export interface HistoryEntry {
  version: number;
  commitInfo: CommitInfo | undefined;
}

/** Commit infos newest first, for the versions whose JSON is still in the log. */
export async function history(store: ObjectStore, limit = 100): Promise<HistoryEntry[]> {
  const snapshot = await loadSnapshot(store, { skipReadCheck: true });
  const out: HistoryEntry[] = [];
  for (let v = snapshot.version; v >= 0 && out.length < limit; v--) {
    const bytes = await store.get(commitKey(v));
    if (!bytes) break;
    const info = parseCommit(new TextDecoder().decode(bytes)).find(
      (a): a is { commitInfo: CommitInfo } => 'commitInfo' in a,
    );
    out.push({ version: v, commitInfo: info?.commitInfo });
  }
  return out;
}

export function numRecords(add: Add): number {
  if (!add.stats) return 0;
  try {
    return Number((JSON.parse(add.stats) as { numRecords?: number }).numRecords ?? 0);
  } catch {
    return 0;
  }
}

const FORBIDDEN = /[ ,;{}()\n\t=]/;

function validateSchema(schema: StructType, partitionColumns: string[]): void {
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (FORBIDDEN.test(f.name))
      throw new DeltaError('InvalidArgument', `invalid column name ${JSON.stringify(f.name)}`);
    const lower = f.name.toLowerCase();
    if (seen.has(lower)) throw new DeltaError('InvalidArgument', `duplicate column ${f.name}`);
    seen.add(lower);
  }
  for (const p of partitionColumns) {
    const f = schema.fields.find((x) => x.name === p);
    if (!f) throw new DeltaError('InvalidArgument', `partition column ${p} is not in the schema`);
    if (typeof f.type !== 'string')
      throw new DeltaError('InvalidArgument', `partition column ${p} must be a primitive`);
  }
}
