/**
 * VACUUM: deletes data files that no snapshot within the retention period can need.
 *
 * Invariants: a file is deleted only if it is referenced neither by the current snapshot nor by a
 * tombstone younger than `delta.deletedFileRetentionDuration` (default 7 days), AND its own modification
 * time is older than that retention — which also protects files being written by in-flight writers
 * that have not committed yet. Retention shorter than the table's is refused unless forced. The log
 * (`_delta_log/`) and hidden folders (`_…`, `.…`) other than partition directories are never touched.
 */
import { DeltaError } from '../errors.js';
import { resolveActionPath } from '../protocol/paths.js';
import { tableProperties } from '../protocol/table-properties.js';
import { loadSnapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface VacuumOptions {
  /** Retention in ms (default: the table's delta.deletedFileRetentionDuration). */
  retentionMs?: number;
  /** Allow a retention shorter than the table's (dangerous while readers time-travel or writers run). */
  force?: boolean;
  dryRun?: boolean;
  now?: number;
}

export interface VacuumResult {
  table: string;
  version: number;
  retentionMs: number;
  dryRun: boolean;
  /** Keys deleted (or that would be, in dry-run). */
  deleted: string[];
  bytes: number;
  filesScanned: number;
  durationMs: number;
}

export async function vacuum(store: ObjectStore, options: VacuumOptions = {}): Promise<VacuumResult> {
  const started = performance.now();
  const snapshot = await loadSnapshot(store);
  const tableRetention = tableProperties(snapshot.metadata.configuration).deletedFileRetentionMs;
  const retentionMs = options.retentionMs ?? tableRetention;
  if (retentionMs < tableRetention && !options.force) {
    throw new DeltaError(
      'InvalidArgument',
      `refusing to vacuum ${store.description} with retention ${hours(retentionMs)} h, shorter than the table's ` +
        `${hours(tableRetention)} h (delta.deletedFileRetentionDuration): readers time-travelling or writers in flight ` +
        'could lose files. Pass force to override.',
      { table: store.description },
    );
  }
  const now = options.now ?? Date.now();
  const cutoff = now - retentionMs;
  const keep = new Set<string>();
  for (const add of snapshot.files) keepPath(keep, add.path);
  for (const remove of snapshot.tombstones) {
    if ((remove.deletionTimestamp ?? 0) > cutoff) keepPath(keep, remove.path);
  }
  const all = await store.list('');
  const deleted: string[] = [];
  let bytes = 0;
  let scanned = 0;
  for (const object of all) {
    if (!isDataKey(object.key)) continue;
    scanned++;
    if (keep.has(object.key)) continue;
    if (object.lastModified > cutoff) continue;
    deleted.push(object.key);
    bytes += object.size;
  }
  if (!options.dryRun) {
    for (let i = 0; i < deleted.length; i += 32) {
      await Promise.all(deleted.slice(i, i + 32).map((k) => store.delete(k)));
    }
  }
  return {
    table: store.description,
    version: snapshot.version,
    retentionMs,
    dryRun: options.dryRun ?? false,
    deleted,
    bytes,
    filesScanned: scanned,
    durationMs: Math.round(performance.now() - started),
  };
}

function keepPath(keep: Set<string>, raw: string): void {
  const p = resolveActionPath(raw);
  if (p.kind === 'relative') keep.add(p.path);
}

/** Files Spark's VACUUM considers: not under hidden folders, except `col=value` partition folders. */
function isDataKey(key: string): boolean {
  const parts = key.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    const dir = parts[i] ?? '';
    if ((dir.startsWith('_') || dir.startsWith('.')) && !dir.includes('=')) return false;
  }
  const name = parts.at(-1) ?? '';
  return !name.startsWith('_') && !name.startsWith('.');
}

function hours(ms: number): string {
  return (ms / 3_600_000).toFixed(1);
}
