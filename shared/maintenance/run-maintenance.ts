/**
 * The maintenance use case behind the timers and `lakehouse table compact|checkpoint|vacuum`: runs a
 * job over a set of tables, skips tables with no new commits since the job last ran on them, and
 * records one metrics row per table in `ops/maintenance_runs` (Delta, for BI).
 *
 * A failure on one table is recorded and does not stop the others; the result says which failed.
 */
import { randomUUID } from 'node:crypto';
import { DeltaError } from '../delta/errors.js';
import { field, struct } from '../delta/protocol/schema.js';
import type { StructType } from '../delta/protocol/schema.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { scanAll } from '../delta/read/scan.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { appendBatch, createTable } from '../delta/table.js';
import { compact } from '../delta/maintenance/optimize.js';
import { vacuum } from '../delta/maintenance/vacuum.js';
import { checkpointNow, cleanupLog } from '../delta/maintenance/log-cleanup.js';
import type { MaintenanceJob, TableMaintenance } from './maintenance-plan.js';

export const MAINTENANCE_RUNS_TABLE = 'ops/maintenance_runs';

export const MAINTENANCE_RUNS_SCHEMA: StructType = struct(
  field('run_id', 'string', false),
  field('job', 'string', false),
  field('table_name', 'string', false),
  field('started_at', 'timestamp', false),
  field('duration_ms', 'long', false),
  field('status', 'string', false),
  field('version_before', 'long'),
  field('version_after', 'long'),
  field('files_before', 'long'),
  field('bytes_before', 'long'),
  field('files_after', 'long'),
  field('bytes_after', 'long'),
  field('commits', 'long'),
  field('conflicts', 'long'),
  field('files_deleted', 'long'),
  field('bytes_deleted', 'long'),
  field('detail', 'string'),
);

export interface MaintenanceOptions {
  job: MaintenanceJob;
  tables: TableMaintenance[];
  maxBytesPerRun?: number;
  /** Run even when the table has not changed since the last run. */
  force?: boolean;
  now?: () => number;
  log?: (message: string) => void;
}

export type TableOutcome = {
  table: string;
  status: 'done' | 'skipped' | 'missing' | 'failed';
  detail: string;
  metrics: Record<string, number | null>;
};

export async function runMaintenance(
  lake: ObjectStore,
  options: MaintenanceOptions,
): Promise<{ runId: string; outcomes: TableOutcome[] }> {
  const runId = randomUUID();
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const lastVersions = await lastProcessedVersions(lake, options.job);
  const outcomes: TableOutcome[] = [];
  for (const t of options.tables) {
    const started = now();
    const store = prefixed(lake, t.table);
    let outcome: TableOutcome;
    try {
      outcome = await runOne(store, t, options, lastVersions.get(t.table), now);
    } catch (err) {
      outcome = {
        table: t.table,
        status: 'failed',
        detail: err instanceof Error ? err.message : String(err),
        metrics: {},
      };
    }
    log(`${options.job} ${t.table}: ${outcome.status}${outcome.detail ? ` (${outcome.detail})` : ''}`);
    outcomes.push(outcome);
    if (outcome.status !== 'missing')
      await record(lake, runId, options.job, outcome, started, now() - started);
  }
  return { runId, outcomes };
}

async function runOne(
  store: ObjectStore,
  t: TableMaintenance,
  options: MaintenanceOptions,
  lastVersion: number | undefined,
  now: () => number,
): Promise<TableOutcome> {
  let version: number;
  try {
    version = (await loadSnapshot(store, { skipReadCheck: true })).version;
  } catch (err) {
    if (err instanceof DeltaError && err.kind === 'TableNotFound')
      return { table: t.table, status: 'missing', detail: 'no table yet', metrics: {} };
    throw err;
  }
  if (!options.force && lastVersion !== undefined && lastVersion === version) {
    return {
      table: t.table,
      status: 'skipped',
      detail: `no commits since version ${version}`,
      metrics: { version_before: version, version_after: version },
    };
  }
  if (options.job === 'compact') {
    const m = await compact(store, {
      targetFileSize: t.targetFileSize,
      clusterBy: t.clusterBy,
      ...(options.maxBytesPerRun ? { maxBytesPerRun: options.maxBytesPerRun } : {}),
      now,
    });
    const after = (await loadSnapshot(store, { skipReadCheck: true })).version;
    return {
      table: t.table,
      status: 'done',
      detail: m.truncated ? 'work bound reached; the rest is left for the next run' : '',
      metrics: {
        version_before: version,
        version_after: after,
        files_before: m.filesBefore,
        bytes_before: m.bytesBefore,
        files_after: m.filesAfter,
        bytes_after: m.bytesAfter,
        commits: m.commits,
        conflicts: m.conflicts,
      },
    };
  }
  const cp = await checkpointNow(store);
  const cleaned = await cleanupLog(store, { now: now() });
  const v = await vacuum(store, { now: now() });
  return {
    table: t.table,
    status: 'done',
    detail: `checkpoint ${cp.version}, ${cleaned.deleted.length} log files cleaned`,
    metrics: {
      version_before: version,
      version_after: version,
      files_deleted: v.deleted.length,
      bytes_deleted: v.bytes,
    },
  };
}

/** The version each table had after this job last ran on it (from ops/maintenance_runs). */
async function lastProcessedVersions(lake: ObjectStore, job: MaintenanceJob): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let rows: Record<string, unknown>[];
  try {
    rows = await scanAll(await loadSnapshot(prefixed(lake, MAINTENANCE_RUNS_TABLE)), {
      columns: ['job', 'table_name', 'started_at', 'status', 'version_after'],
    });
  } catch (err) {
    if (err instanceof DeltaError && err.kind === 'TableNotFound') return out;
    throw err;
  }
  const latest = new Map<string, bigint>();
  for (const r of rows) {
    if (r.job !== job || r.status === 'failed' || r.version_after === null) continue;
    const table = r.table_name as string;
    const at = r.started_at as bigint;
    if ((latest.get(table) ?? -1n) <= at) {
      latest.set(table, at);
      out.set(table, Number(r.version_after));
    }
  }
  return out;
}

async function record(
  lake: ObjectStore,
  runId: string,
  job: MaintenanceJob,
  o: TableOutcome,
  startedMs: number,
  durationMs: number,
): Promise<void> {
  const store = prefixed(lake, MAINTENANCE_RUNS_TABLE);
  await createTable(store, { schema: MAINTENANCE_RUNS_SCHEMA, name: 'maintenance_runs' });
  const big = (k: string) =>
    o.metrics[k] === undefined || o.metrics[k] === null ? null : BigInt(o.metrics[k]);
  const columns: Record<string, unknown[]> = {
    run_id: [runId],
    job: [job],
    table_name: [o.table],
    started_at: [BigInt(startedMs) * 1000n],
    duration_ms: [BigInt(Math.round(durationMs))],
    status: [o.status],
    detail: [o.detail || null],
  };
  for (const k of [
    'version_before',
    'version_after',
    'files_before',
    'bytes_before',
    'files_after',
    'bytes_after',
    'commits',
    'conflicts',
    'files_deleted',
    'bytes_deleted',
  ]) {
    columns[k] = [big(k)];
  }
  await appendBatch(store, columns);
}
