/**
 * Compaction (OPTIMIZE): bin-packs small files per partition and rewrites each bin as one file sorted by
 * a clustering key, committing removes + adds with `dataChange:false`.
 *
 * Invariants: the rows of a table are identical before and after (same multiset, same partition);
 * compaction commits run at SnapshotIsolation, so concurrent appends never conflict with them; when a
 * concurrent writer removed one of the inputs (another compaction, a partition rewrite) the commit is
 * abandoned and the partition re-planned from a fresh snapshot; work per run is bounded so a timer
 * invocation fits its timeout. Outputs of an abandoned rewrite are orphans that vacuum removes later.
 */
import type { Add, Remove } from '../protocol/actions.js';
import { tableProperties } from '../protocol/table-properties.js';
import { canonicalPathKey } from '../protocol/paths.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { loadSnapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';
import { scanRows } from '../read/scan.js';
import type { Row } from '../read/scan.js';
import { writeDataFiles } from '../write/data-file-writer.js';
import { Transaction } from '../transaction/transaction.js';
import { maybeCheckpoint } from '../table.js';

export interface CompactOptions {
  /** Target output size in bytes (default: delta.targetFileSize, else 128 MiB). */
  targetFileSize?: number;
  /** Files at or above this size are left alone (default: target × 0.75). */
  minFileSizeToKeep?: number;
  /** Bounded work: stop planning after this many input bytes (default 1 GiB). */
  maxBytesPerRun?: number;
  /** Bounded work: at most this many input files per run (default 10,000). */
  maxFilesPerRun?: number;
  /** Sort key inside each output file, e.g. ['store_id', 'occurred_at']. */
  clusterBy?: string[];
  /** Only partitions whose raw partition values pass. */
  partitionFilter?: (values: Record<string, string | null>) => boolean;
  /** Re-plan attempts per partition after a conflicting rewrite (default 3). */
  maxReplans?: number;
  now?: () => number;
}

export interface CompactMetrics {
  table: string;
  readVersion: number;
  filesBefore: number;
  bytesBefore: number;
  filesAfter: number;
  bytesAfter: number;
  filesRemoved: number;
  filesAdded: number;
  bytesRewritten: number;
  partitionsCompacted: number;
  commits: number;
  versions: number[];
  conflicts: number;
  durationMs: number;
  truncated: boolean;
}

export interface Bin {
  partitionValues: Record<string, string | null>;
  files: Add[];
  bytes: number;
}

const DEFAULT_TARGET = 128 * 1024 * 1024;

/** Plans bins of small files, grouped by partition, within the run's byte and file budget. */
export function planCompaction(
  snapshot: Snapshot,
  options: CompactOptions = {},
): { bins: Bin[]; truncated: boolean } {
  const target =
    options.targetFileSize ??
    tableProperties(snapshot.metadata.configuration).targetFileSize ??
    DEFAULT_TARGET;
  const keepAbove = options.minFileSizeToKeep ?? Math.floor(target * 0.75);
  const byPartition = new Map<string, Add[]>();
  for (const add of snapshot.files) {
    if (add.size >= keepAbove) continue;
    if (options.partitionFilter && !options.partitionFilter(add.partitionValues)) continue;
    const key = partitionKeyOf(snapshot.partitionColumns, add.partitionValues);
    const list = byPartition.get(key) ?? [];
    list.push(add);
    byPartition.set(key, list);
  }
  const maxBytes = options.maxBytesPerRun ?? 1024 * 1024 * 1024;
  const maxFiles = options.maxFilesPerRun ?? 10_000;
  const bins: Bin[] = [];
  let bytes = 0;
  let files = 0;
  let truncated = false;
  for (const candidates of byPartition.values()) {
    if (candidates.length < 2) continue;
    candidates.sort((a, b) => a.modificationTime - b.modificationTime || a.size - b.size);
    let current: Bin | undefined;
    for (const add of candidates) {
      if (bytes + add.size > maxBytes || files + 1 > maxFiles) {
        truncated = true;
        break;
      }
      if (!current || current.bytes + add.size > target) {
        if (current && current.files.length >= 2) bins.push(current);
        current = { partitionValues: add.partitionValues, files: [], bytes: 0 };
      }
      current.files.push(add);
      current.bytes += add.size;
      bytes += add.size;
      files++;
    }
    if (current && current.files.length >= 2) bins.push(current);
    if (truncated) break;
  }
  return { bins, truncated };
}

export async function compact(store: ObjectStore, options: CompactOptions = {}): Promise<CompactMetrics> {
  const started = performance.now();
  const now = options.now ?? Date.now;
  let snapshot = await loadSnapshot(store);
  const metrics: CompactMetrics = {
    table: store.description,
    readVersion: snapshot.version,
    filesBefore: snapshot.files.length,
    bytesBefore: sum(snapshot.files.map((f) => f.size)),
    filesAfter: 0,
    bytesAfter: 0,
    filesRemoved: 0,
    filesAdded: 0,
    bytesRewritten: 0,
    partitionsCompacted: 0,
    commits: 0,
    versions: [],
    conflicts: 0,
    durationMs: 0,
    truncated: false,
  };
  const plan = planCompaction(snapshot, options);
  metrics.truncated = plan.truncated;
  const props = tableProperties(snapshot.metadata.configuration);
  for (const planned of plan.bins) {
    let bin: Bin | undefined = planned;
    for (let attempt = 0; bin && attempt <= (options.maxReplans ?? 3); attempt++) {
      const adds = await rewriteBin(snapshot, bin, options.clusterBy ?? [], props.indexedColumns);
      const removes: Remove[] = bin.files.map((f) => ({
        path: f.path,
        deletionTimestamp: now(),
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: f.partitionValues,
        size: f.size,
        ...(f.stats ? { stats: f.stats } : {}),
      }));
      const txn = new Transaction({
        store,
        readSnapshot: snapshot,
        operation: 'OPTIMIZE',
        operationParameters: {
          predicate: '[]',
          zOrderBy: '[]',
          clusterBy: JSON.stringify(options.clusterBy ?? []),
          auto: false,
        },
        readFiles: new Set(bin.files.map((f) => canonicalPathKey(f.path))),
        commitInfo: {
          operationMetrics: {
            numRemovedFiles: String(removes.length),
            numAddedFiles: String(adds.length),
            numRemovedBytes: String(bin.bytes),
            numAddedBytes: String(sum(adds.map((a) => a.size))),
          },
        },
      })
        .removeFiles(removes)
        .addFiles(adds);
      const result = await txn.commit();
      if (result.kind === 'committed') {
        metrics.commits++;
        metrics.versions.push(result.version);
        metrics.filesRemoved += removes.length;
        metrics.filesAdded += adds.length;
        metrics.bytesRewritten += bin.bytes;
        metrics.partitionsCompacted++;
        await maybeCheckpoint(store, result.version, snapshot);
        bin = undefined;
        break;
      }
      // A concurrent rewrite took some of our inputs: re-plan this partition from the new state.
      metrics.conflicts++;
      await Promise.all(adds.map((a) => store.delete(decodeURIComponent(a.path))));
      snapshot = await loadSnapshot(store);
      const columns = snapshot.partitionColumns;
      const target: string = partitionKeyOf(columns, bin.partitionValues);
      const replanned: Bin | undefined = planCompaction(snapshot, {
        ...options,
        partitionFilter: (v: Record<string, string | null>): boolean => partitionKeyOf(columns, v) === target,
      }).bins[0];
      bin = replanned;
    }
  }
  const after = await loadSnapshot(store);
  metrics.filesAfter = after.files.length;
  metrics.bytesAfter = sum(after.files.map((f) => f.size));
  metrics.durationMs = Math.round(performance.now() - started);
  return metrics;
}

async function rewriteBin(
  snapshot: Snapshot,
  bin: Bin,
  clusterBy: string[],
  indexedColumns: number,
): Promise<Add[]> {
  const wanted = new Set(bin.files.map((f) => f.path));
  const rows: Row[] = [];
  const scoped: Snapshot = { ...snapshot, files: snapshot.files.filter((f) => wanted.has(f.path)) };
  for await (const row of scanRows(scoped)) rows.push(row);
  if (clusterBy.length) rows.sort((a, b) => compareRows(a, b, clusterBy));
  const columns = Object.fromEntries(snapshot.schema.fields.map((f) => [f.name, rows.map((r) => r[f.name])]));
  return writeDataFiles(snapshot.store, snapshot.schema, snapshot.partitionColumns, columns, {
    dataChange: false,
    indexedColumns,
  });
}

function compareRows(a: Row, b: Row, keys: string[]): number {
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    if ((x as number) < (y as number)) return -1;
    if ((x as number) > (y as number)) return 1;
  }
  return 0;
}

function partitionKeyOf(columns: readonly string[], values: Record<string, string | null>): string {
  return JSON.stringify(columns.map((c) => values[c] ?? null));
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
