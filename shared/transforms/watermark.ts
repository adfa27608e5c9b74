/**
 * The transform's watermark: for each input table, the Delta version a run processed. A run given the
 * previous run's watermark reads only the data files added after those versions (compaction rewrites,
 * `dataChange: false`, carry no new rows and are ignored).
 */
import type { Add } from '../delta/protocol/actions.js';
import { canonicalPathKey } from '../delta/protocol/paths.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { commitKey } from '../delta/protocol/log-path.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { BRONZE_TABLE } from '../ingest/bronze-tables.js';
import { PRODUCTS_TABLE, SALES_HISTORY_TABLE, STORES_TABLE } from '../batch-load/master-tables.js';

export const INPUT_TABLES = [BRONZE_TABLE, STORES_TABLE, PRODUCTS_TABLE, SALES_HISTORY_TABLE] as const;
export type InputTable = (typeof INPUT_TABLES)[number];

/** Input table → last version processed (-1: the table did not exist yet). */
export type TransformWatermark = Record<InputTable, number>;

export function watermarkOf(snapshots: Record<InputTable, Snapshot | undefined>): TransformWatermark {
  const out = {} as TransformWatermark;
  for (const t of INPUT_TABLES) out[t] = snapshots[t]?.version ?? -1;
  return out;
}

/**
 * Files of `current` holding rows committed after version `since`; undefined when that version can no
 * longer be reconstructed (log cleaned up, table re-created), which calls for a full run.
 */
export async function filesAddedSince(
  current: Snapshot | undefined,
  since: number,
): Promise<readonly Add[] | undefined> {
  if (!current) return since < 0 ? [] : undefined;
  if (since < 0) return current.files;
  if (since > current.version) return undefined;
  if (since === current.version) return [];
  let before: Snapshot;
  try {
    before = await loadSnapshot(current.store, { version: since });
  } catch {
    return undefined;
  }
  if (before.metadata.id !== current.metadata.id) return undefined;
  const known = new Set(before.files.map((a) => canonicalPathKey(a.path)));
  // Every file the old version did not have, whatever its `dataChange`: adds replayed from a checkpoint
  // always read dataChange=false, and a compaction's output holds rows of files added since `since`.
  // Restating a store-day whose rows merely moved is redundant but harmless; missing one is not.
  return current.files.filter((a) => !known.has(canonicalPathKey(a.path)));
}

/** An input table's latest snapshot, or undefined while the table does not exist yet. */
export async function loadInputTable(store: ObjectStore): Promise<Snapshot | undefined> {
  if (!(await store.head(commitKey(0)))) return undefined;
  return loadSnapshot(store);
}
