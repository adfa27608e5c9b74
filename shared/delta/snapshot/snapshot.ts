/**
 * A snapshot is the reconciled state of a table at one version.
 *
 * Invariant: a snapshot exists only for a version whose log segment is complete (checkpoint + contiguous
 * commits) and that has both a protocol and a metaData action; anything else fails to load with a
 * typed error rather than yielding a partial table.
 */
import { DeltaError } from '../errors.js';
import type { Action, Add, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js';
import { parseCommit } from '../protocol/actions.js';
import { checkReadSupport } from '../protocol/features.js';
import type { StructType } from '../protocol/schema.js';
import { parseSchemaString } from '../protocol/schema.js';
import type { ObjectStore } from '../storage/object-store.js';
import { readCheckpoint } from './checkpoint-reader.js';
import type { LogSegment } from './log-segment.js';
import { buildLogSegment } from './log-segment.js';
import { applyActions, continueState, emptyReplayState, FileIndex, type ReplayState } from './log-replay.js';
import { checkpointKey, commitKey, LOG_DIR, pad20, parseLogKey } from '../protocol/log-path.js';
import { UnsupportedFeatureError } from '../errors.js';
import { mapLimit } from '../map-limit.js';

export interface Snapshot {
  readonly table: string;
  readonly store: ObjectStore;
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  /** Live files in log order of their latest add. */
  readonly files: readonly Add[];
  /** Tombstones (removes not re-added). */
  readonly tombstones: readonly Remove[];
  readonly txns: ReadonlyMap<string, Txn>;
  readonly segment: LogSegment;
  /** Latest committed version for `appId`, or -1 (kafka-delta-ingest / Spark sink watermark). */
  txnVersion(appId: string): number;
}

export interface LoadOptions {
  /** Time travel: load this version instead of the latest. */
  version?: number;
  /** Skip the reader-feature check (used only by writers that inspect the protocol themselves). */
  skipReadCheck?: boolean;
  /** Parallel commit reads; default 16. */
  concurrency?: number;
}

export async function loadSnapshot(store: ObjectStore, options: LoadOptions = {}): Promise<Snapshot> {
  const table = store.description;
  if (options.version !== undefined && (!Number.isInteger(options.version) || options.version < 0)) {
    throw new DeltaError('InvalidArgument', `invalid version ${options.version}`, { table });
  }
  const segment = await buildLogSegment(store, table, options.version);
  const state = emptyReplayState();
  if (segment.checkpointKeys.length > 0) {
    applyActions(state, await readCheckpoint(store, segment.checkpointKeys, table));
  }
  await applyCommits(store, table, state, segment.commits, options.concurrency ?? 16);
  return fromState(store, table, segment, state, options.skipReadCheck ?? false);
}

/**
 * The latest snapshot, reached from `base` by replaying only the commits after it (no checkpoint
 * read) — what a writer that appends often wants after its own commit. Same result as
 * `loadSnapshot(base.store)` (except that tombstones a checkpoint would have expired are kept); falls
 * back to it when the commits after `base` are not all there (a log cleaned up past `base`) or when
 * more than `MAX_REFRESHED_COMMITS` commits separate the result from its checkpoint, so a long-lived
 * writer starts again from a checkpoint now and then and its tombstones stay bounded. Returns `base`
 * itself when nothing was committed since.
 */
export async function refreshSnapshot(base: Snapshot): Promise<Snapshot> {
  const baseState = replayStates.get(base);
  if (!baseState) return loadSnapshot(base.store);
  const listed = await base.store.list(`${LOG_DIR}/`, {
    startAfterOrAt: `${LOG_DIR}/${pad20(base.version + 1)}`,
  });
  const commits: { version: number; key: string }[] = [];
  for (const o of listed) {
    const f = parseLogKey(o.key);
    if (f.kind !== 'commit') continue;
    if (f.version !== base.version + 1 + commits.length) return loadSnapshot(base.store);
    commits.push({ version: f.version, key: f.key });
  }
  if (commits.length === 0) return base;
  if (base.segment.commits.length + commits.length > MAX_REFRESHED_COMMITS) return loadSnapshot(base.store);
  const state = continueState(baseState);
  await applyCommits(base.store, base.table, state, commits, 16);
  const segment: LogSegment = {
    ...base.segment,
    version: commits[commits.length - 1]?.version ?? base.version,
    commits: [...base.segment.commits, ...commits],
  };
  return fromState(base.store, base.table, segment, state, false);
}

/**
 * Commits a refreshed or post-commit snapshot may carry past its checkpoint before a reload. Above the
 * landing tables' checkpoint interval (100): a writer continuing from its own snapshots meets its next
 * checkpoint (snapshotFromOwnCheckpoint) before it has to reload.
 */
export const MAX_REFRESHED_COMMITS = 200;

/**
 * The snapshot at `version` when the caller has just committed `actions` there on top of `base`
 * (`version` = base.version + 1: nobody committed in between): `base` with the actions replayed in
 * memory — what `refreshSnapshot(base)` would read back, without listing or reading the log. So a
 * writer that appends batch after batch (the landing function) starts its next batch from it instead
 * of re-reading its own commit. Undefined (the caller refreshes as usual) when `version` does not
 * follow `base`, when `base` has no replay state, or past `MAX_REFRESHED_COMMITS` (then a reload from
 * the newest checkpoint keeps the tombstones bounded, as for `refreshSnapshot`).
 */
export function snapshotAfterCommit(
  base: Snapshot,
  version: number,
  actions: readonly Action[],
): Snapshot | undefined {
  const baseState = replayStates.get(base);
  if (!baseState || version !== base.version + 1) return undefined;
  if (base.segment.commits.length + 1 > MAX_REFRESHED_COMMITS) return undefined;
  const state = continueState(baseState);
  applyActions(state, actions);
  const segment: LogSegment = {
    ...base.segment,
    version,
    commits: [...base.segment.commits, { version, key: commitKey(version) }],
  };
  return fromState(base.store, base.table, segment, state, false);
}

/**
 * `snapshot` as a fresh load sees it once a checkpoint of this very state was written at its version:
 * the same table, without the tombstones deleted at or before `cutoffMs` (the checkpoint dropped them)
 * and with a log segment starting at that checkpoint. A writer that checkpoints its own post-commit
 * snapshot continues from this one, so its commit list and tombstones stay bounded without reloading
 * the checkpoint it has just written. Undefined when `snapshot` has no replay state.
 */
export function snapshotFromOwnCheckpoint(snapshot: Snapshot, cutoffMs: number): Snapshot | undefined {
  const state = replayStates.get(snapshot);
  if (!state) return undefined;
  const files = FileIndex.empty();
  for (const [key, action] of state.files.entries()) {
    if ('remove' in action && (action.remove.deletionTimestamp ?? 0) <= cutoffMs) continue;
    files.set(key, action);
  }
  const version = snapshot.version;
  const segment: LogSegment = {
    version,
    checkpointKeys: [checkpointKey(version)],
    checkpointVersion: version,
    commits: [],
    skippedV2Checkpoint: false,
  };
  return fromState(snapshot.store, snapshot.table, segment, { ...continueState(state), files }, false);
}

/** Replay state behind each snapshot (kept so a refresh can continue from it; never mutated). */
const replayStates = new WeakMap<Snapshot, ReplayState>();

async function applyCommits(
  store: ObjectStore,
  table: string,
  state: ReplayState,
  commits: readonly { version: number; key: string }[],
  concurrency: number,
): Promise<void> {
  const texts = await mapLimit(commits, concurrency, async (c) => {
    const bytes = await store.get(c.key);
    if (!bytes) {
      throw new DeltaError(
        'MissingVersion',
        `commit ${c.version} of table ${table} disappeared while loading`,
        {
          table,
          version: c.version,
        },
      );
    }
    return { version: c.version, text: new TextDecoder().decode(bytes) };
  });
  for (const { version, text } of texts) {
    try {
      applyActions(state, parseCommit(text));
    } catch (err) {
      throw new DeltaError(
        'CorruptLog',
        `commit ${version} of table ${table} is not valid JSON: ${String(err)}`,
        {
          table,
          version,
        },
      );
    }
  }
}

// Parsed schemas by schemaString: successive snapshots of a table share one schema object (so caches
// keyed by it — the Parquet schema of its files — keep serving). Bounded: a process sees few schemas.
const schemas = new Map<string, StructType>();
function schemaOf(schemaString: string): StructType {
  let schema = schemas.get(schemaString);
  if (!schema) {
    schema = parseSchemaString(schemaString);
    if (schemas.size >= 64) schemas.clear();
    schemas.set(schemaString, schema);
  }
  return schema;
}

function fromState(
  store: ObjectStore,
  table: string,
  segment: LogSegment,
  state: ReplayState,
  skipReadCheck: boolean,
): Snapshot {
  const { protocol, metadata } = state;
  if (!protocol) {
    throw new DeltaError(
      'CorruptLog',
      `table ${table} has no protocol action at version ${segment.version}`,
      {
        table,
        version: segment.version,
      },
    );
  }
  if (!metadata) {
    throw new DeltaError(
      'CorruptLog',
      `table ${table} has no metaData action at version ${segment.version}`,
      {
        table,
        version: segment.version,
      },
    );
  }
  let schema: StructType;
  try {
    // A metaData without schemaString (seen in log-only test tables) still lets history/files work.
    schema =
      metadata.schemaString === undefined || metadata.schemaString === null
        ? { type: 'struct', fields: [] }
        : schemaOf(metadata.schemaString);
  } catch (err) {
    throw new DeltaError('CorruptLog', `table ${table}: invalid schemaString: ${String(err)}`, { table });
  }
  if (!skipReadCheck) {
    checkReadSupport(protocol, metadata, schema, table);
    if (state.usesDeletionVectors) throw new UnsupportedFeatureError('deletionVectors', table);
  }
  // The file lists are built on first use: a writer appending batch after batch never reads them
  // (only its checkpoints do), and building them is linear in the files of the table.
  let lists: { files: Add[]; tombstones: Remove[] } | undefined;
  const fileLists = () => {
    if (lists) return lists;
    lists = { files: [], tombstones: [] };
    for (const entry of state.files.entries().values()) {
      if ('add' in entry) lists.files.push(entry.add);
      else lists.tombstones.push(entry.remove);
    }
    return lists;
  };
  const txns = state.txns;
  const snapshot: Snapshot = {
    table,
    store,
    version: segment.version,
    protocol,
    metadata,
    schema,
    partitionColumns: metadata.partitionColumns,
    get files() {
      return fileLists().files;
    },
    get tombstones() {
      return fileLists().tombstones;
    },
    txns,
    segment,
    txnVersion: (appId: string) => txns.get(appId)?.version ?? -1,
  };
  replayStates.set(snapshot, state);
  return snapshot;
}
