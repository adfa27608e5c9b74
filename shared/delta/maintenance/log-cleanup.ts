/**
 * Checkpoint on demand and metadata cleanup (PROTOCOL.md "Metadata Cleanup").
 *
 * Invariant: log files are deleted only strictly below a checkpoint that is itself older than
 * `delta.logRetentionDuration` (30 days by default), so every version newer than that checkpoint stays
 * reconstructible; the checkpoint and its commit are kept.
 */
import { parseLogKey } from '../protocol/log-path.js';
import { tableProperties } from '../protocol/table-properties.js';
import { loadSnapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';
import { writeCheckpoint } from '../checkpoint/checkpoint-writer.js';
import type { CheckpointResult } from '../checkpoint/checkpoint-writer.js';

export async function checkpointNow(
  store: ObjectStore,
): Promise<CheckpointResult & { alreadyExisted: boolean }> {
  const snapshot = await loadSnapshot(store);
  const alreadyExisted = snapshot.segment.checkpointVersion === snapshot.version;
  const result = await writeCheckpoint(snapshot);
  return { ...result, alreadyExisted };
}

export interface LogCleanupResult {
  /** The checkpoint below which files were removed, if any. */
  belowCheckpoint: number | undefined;
  deleted: string[];
}

export async function cleanupLog(
  store: ObjectStore,
  options: { now?: number; dryRun?: boolean } = {},
): Promise<LogCleanupResult> {
  const snapshot = await loadSnapshot(store, { skipReadCheck: true });
  const retention = tableProperties(snapshot.metadata.configuration).logRetentionMs;
  const cutoff = (options.now ?? Date.now()) - retention;
  const listed = await store.list('_delta_log/');
  let boundary: number | undefined;
  for (const o of listed) {
    const f = parseLogKey(o.key);
    if (f.kind === 'checkpoint' && f.part === undefined && o.lastModified <= cutoff) {
      boundary = boundary === undefined ? f.version : Math.max(boundary, f.version);
    }
  }
  if (boundary === undefined) return { belowCheckpoint: undefined, deleted: [] };
  const deleted: string[] = [];
  for (const o of listed) {
    const f = parseLogKey(o.key);
    if ((f.kind === 'commit' || f.kind === 'checkpoint') && f.version < boundary && o.lastModified <= cutoff)
      deleted.push(o.key);
  }
  if (!options.dryRun) for (const key of deleted) await store.delete(key);
  return { belowCheckpoint: boundary, deleted };
}
