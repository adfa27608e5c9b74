/**
 * A per-process cache of each landing table's snapshot, so a batch does not replay the log twice.
 *
 * Why it is safe to append against a cached (older) snapshot: the transaction starts at
 * `cached.version + 1` and checks every commit written since then (conflict-checker.ts); a commit
 * carrying a `txn` for our appId is a `ConcurrentTransaction` conflict, after which the caller reloads,
 * re-filters by the fresh watermark and retries. So staleness costs a walk over newer commits, never
 * a duplicate. The cache is refreshed once it is known to be `MAX_LAG` versions behind (learned from
 * the versions our own commits land at), which bounds that walk, and whenever it predates this
 * process's own last commit for the stream asking (that commit would otherwise read as a conflict).
 * In practice the quarantine table, written rarely, is served from the cache; Bronze is served from the
 * snapshot after our own last commit when it followed its read version (snapshotAfterCommit), and is
 * otherwise refreshed from the cached snapshot by reading only the commits after it.
 */
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';

const MAX_LAG = 4;
interface Entry {
  snapshot: Snapshot | undefined;
  latest: number;
  /** Version of this process's last commit per appId. */
  committed: Map<string, number>;
}

const cache = new WeakMap<ObjectStore, Entry>();

export function cachedSnapshot(store: ObjectStore, streamId: string | undefined): Snapshot | undefined {
  const entry = cache.get(store);
  const snapshot = entry?.snapshot;
  if (!entry || !snapshot || entry.latest - snapshot.version > MAX_LAG) return undefined;
  if (streamId !== undefined && (entry.committed.get(streamId) ?? -1) > snapshot.version) return undefined;
  return snapshot;
}

/** The cached snapshot however old (a base for `refreshSnapshot`), or undefined. */
export function lastSnapshot(store: ObjectStore): Snapshot | undefined {
  return cache.get(store)?.snapshot;
}

export function rememberSnapshot(store: ObjectStore, snapshot: Snapshot): void {
  const entry = entryOf(store);
  if (!entry.snapshot || snapshot.version >= entry.snapshot.version) entry.snapshot = snapshot;
  entry.latest = Math.max(entry.latest, snapshot.version);
}

/** Records that our commit landed at `version`, carrying watermarks for `appIds`. */
export function noteCommit(store: ObjectStore, version: number, appIds: readonly string[]): void {
  const entry = entryOf(store);
  entry.latest = Math.max(entry.latest, version);
  for (const id of appIds) entry.committed.set(id, Math.max(entry.committed.get(id) ?? -1, version));
}

function entryOf(store: ObjectStore): Entry {
  let entry = cache.get(store);
  if (!entry) cache.set(store, (entry = { snapshot: undefined, latest: -1, committed: new Map() }));
  return entry;
}

export function forgetSnapshot(store: ObjectStore): void {
  const entry = cache.get(store);
  if (entry) entry.snapshot = undefined;
}
