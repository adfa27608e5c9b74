/**
 * `drop` severity: rows a failing drop expectation flags are moved from the validated table to
 * `silver/quarantine`.
 *
 * Quarantine row (DQ_QUARANTINE_SCHEMA; the Silver transforms write the same table with the same core
 * columns, so readers filter on `reason_code`):
 * | column           | meaning                                                                      |
 * |------------------|------------------------------------------------------------------------------|
 * | table            | logical table the row came from, e.g. `silver/transactions`                  |
 * | key              | the row's business key (suite `meta.key_columns`, joined with `|`), or null  |
 * | reason_code      | `dq.<expectation_type>` (stable, for filters and counts)                     |
 * | reason           | human text: expectation type and kwargs                                     |
 * | payload          | the whole row in the `lakehouse table scan` JSON format                       |
 * | detected_at      | when the gate moved it (UTC)                                                 |
 * | run_id           | orchestration instance id of the run that moved it                          |
 * | table_version    | version of the source table that was validated                              |
 * | expectation_type | the failing expectation (several failing drops on one row: the first)        |
 * If silver/quarantine already exists with another column set (the Silver transforms create it with
 * event_id, transaction_id, event_type, store_id, occurred_at, reason_code, unknown_skus, ingest_time),
 * values are written by column name: the moved row's own columns fill same-named ones, `payload` also
 * fills `raw_payload`/`json_payload`/`raw`, `detected_at` fills `ingest_time`; others stay null.
 *
 * Invariants: quarantine first, then the source rewrite (a crash in between duplicates rows, never loses
 * them); the quarantine append carries txn (appId `dq-drop/<table>/<runId>`, version = validated
 * version), so a replayed run appends nothing; the rewrite is one commit of removes + adds against the
 * validated snapshot that conflicts if a concurrent writer removed the same files.
 */
import type { Add, Remove } from '../delta/protocol/actions.js';
import { canonicalPathKey } from '../delta/protocol/paths.js';
import { field, struct, type StructType } from '../delta/protocol/schema.js';
import { rowToJson } from '../delta/read/json-rows.js';
import { scanRows, type Row } from '../delta/read/scan.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { appendBatch, commitFiles, createTable } from '../delta/table.js';
import { writeDataFiles } from '../delta/write/data-file-writer.js';
import type { DqSession, RegisteredTable } from './dq-session.js';
import type { DropPlan } from './validate-suite.js';
import { num } from './validate-suite.js';

export const QUARANTINE_TABLE = 'silver/quarantine';

export const DQ_QUARANTINE_SCHEMA: StructType = struct(
  field('table', 'string', false),
  field('key', 'string'),
  field('reason_code', 'string', false),
  field('reason', 'string', false),
  field('payload', 'string', false),
  field('detected_at', 'timestamp', false),
  field('run_id', 'string'),
  field('table_version', 'long'),
  field('expectation_type', 'string'),
);

const ALIASES: Record<string, string> = {
  raw_payload: 'payload',
  json_payload: 'payload',
  raw: 'payload',
  ingest_time: 'detected_at',
  reason_message: 'reason',
};

export interface MoveOptions {
  runId: string;
  /** Business key columns of the table (for `key`). */
  keyColumns?: readonly string[];
  now?: () => Date;
}

export type MoveOutcome =
  | { kind: 'moved'; rows: number; files: number; quarantineVersion: number | null; tableVersion: number }
  | { kind: 'nothing' }
  | { kind: 'conflict'; rows: number; reason: string };

export async function moveToQuarantine(
  session: DqSession,
  table: RegisteredTable,
  quarantine: ObjectStore,
  drops: readonly DropPlan[],
  options: MoveOptions,
): Promise<MoveOutcome> {
  if (drops.length === 0) return { kind: 'nothing' };
  // (file, row) → first failing drop expectation, found in SQL.
  const flagged = new Map<string, Map<number, DropPlan>>();
  for (const plan of drops) {
    for (const r of await session.query(plan.rowsSql)) {
      const file = String(r['__file']);
      const rows = flagged.get(file) ?? new Map<number, DropPlan>();
      const row = num(r['__row']);
      if (!rows.has(row)) rows.set(row, plan);
      flagged.set(file, rows);
    }
  }
  if (flagged.size === 0) return { kind: 'nothing' };
  const detectedAt = BigInt((options.now?.() ?? new Date()).getTime()) * 1000n;
  const schema = table.schema;
  const keys = (options.keyColumns ?? []).filter((k) => schema.fields.some((f) => f.name === k));
  const quarantined: Row[] = [];
  const kept = new Map<Add, Row[]>();
  for (const [file, rows] of flagged) {
    const add = table.files.get(file);
    if (!add) throw new Error(`flagged rows in ${file}, which is not a file of ${table.name}`);
    const keep: Row[] = [];
    let index = 0;
    for await (const row of scanRows({ ...table.snapshot, files: [add] })) {
      const plan = rows.get(index++);
      if (!plan) {
        keep.push(row);
        continue;
      }
      quarantined.push({
        // Same-named columns of an existing quarantine table (Silver's: event_id, store_id, …) come from the row.
        ...row,
        table: table.name,
        key: keys.length === 0 ? null : keys.map((k) => keyText(row[k])).join('|'),
        reason_code: `dq.${plan.expectation.expectation_type}`,
        reason: `${plan.expectation.expectation_type} ${JSON.stringify(plan.expectation.kwargs)} failed (severity drop)`,
        payload: rowToJson(row, schema),
        detected_at: detectedAt,
        run_id: options.runId,
        table_version: BigInt(table.version),
        expectation_type: plan.expectation.expectation_type,
      });
    }
    kept.set(add, keep);
  }
  const quarantineVersion = await appendQuarantine(
    quarantine,
    quarantined,
    `dq-drop/${table.name}/${options.runId}`,
    table.version,
  );
  const store = table.snapshot.store;
  const adds: Add[] = [];
  for (const rows of kept.values()) {
    if (rows.length === 0) continue;
    adds.push(
      ...(await writeDataFiles(store, schema, table.snapshot.partitionColumns, columns(schema, rows))),
    );
  }
  const removes: Remove[] = [...kept.keys()].map((f) => ({
    path: f.path,
    deletionTimestamp: Date.now(),
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: f.partitionValues,
    size: f.size,
  }));
  const result = await commitFiles(table.snapshot, adds, removes, 'DELETE', {
    operationParameters: { predicate: JSON.stringify(`dq drop (run ${options.runId})`) },
    readFiles: new Set([...kept.keys()].map((f) => canonicalPathKey(f.path))),
    operationMetrics: {
      numRemovedFiles: String(removes.length),
      numAddedFiles: String(adds.length),
      numDeletedRows: String(quarantined.length),
    },
  });
  if (result.kind !== 'committed')
    return { kind: 'conflict', rows: quarantined.length, reason: result.conflict.detail };
  return {
    kind: 'moved',
    rows: quarantined.length,
    files: removes.length,
    quarantineVersion,
    tableVersion: result.version,
  };
}

/** Appends (creating the table if needed) by column name; null when the txn says it was already done. */
async function appendQuarantine(
  store: ObjectStore,
  rows: Row[],
  appId: string,
  version: number,
): Promise<number | null> {
  await createTable(store, {
    schema: DQ_QUARANTINE_SCHEMA,
    name: 'quarantine',
    description: 'rows moved out by the DQ gate and by Silver',
  });
  const snapshot = await loadSnapshot(store);
  if (snapshot.txnVersion(appId) >= version) return null;
  const target = snapshot.schema;
  const batch: Record<string, unknown[]> = {};
  for (const f of target.fields) {
    const source = ALIASES[f.name] ?? f.name;
    batch[f.name] = rows.map((r) => r[f.name] ?? r[source] ?? null);
  }
  const result = await appendBatch(store, batch, { snapshot, txn: { appId, version } });
  if (result.kind !== 'committed') throw new Error(`quarantine append failed: ${result.conflict.detail}`);
  return result.version;
}

function columns(schema: StructType, rows: Row[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of schema.fields) out[f.name] = rows.map((r) => r[f.name] ?? null);
  return out;
}

function keyText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v.toString();
  return '';
}
