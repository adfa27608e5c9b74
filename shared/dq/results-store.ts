/**
 * Validation results as rows: `ops/dq_results` (Delta) and, through the same record shape, Azure Table
 * storage. One record per (run, table, table version, expectation).
 *
 * Invariants: the Delta append carries txn (appId `dq-results/<table>/<runId>`, version = validated
 * table version), so a replayed gate step appends nothing; Table entities are upserts keyed
 * PartitionKey = run id, RowKey = `<table with / as :>|v<version>|<index, 4 digits>`, so a replay
 * overwrites the same entities.
 */
import { field, struct, type StructType } from '../delta/protocol/schema.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { appendBatch, createTable } from '../delta/table.js';
import { jsonText, type JsonValue } from './suite.js';
import type { SuiteValidationResult } from './validation-result.js';

export const DQ_RESULTS_TABLE = 'ops/dq_results';

export const DQ_RESULTS_SCHEMA: StructType = struct(
  field('run_id', 'string', false),
  field('table_name', 'string', false),
  field('table_version', 'long', false),
  field('suite_name', 'string', false),
  field('expectation_index', 'integer', false),
  field('expectation_type', 'string', false),
  field('column_name', 'string'),
  field('severity', 'string', false),
  field('success', 'boolean', false),
  field('element_count', 'long'),
  field('unexpected_count', 'long'),
  field('unexpected_percent', 'double'),
  field('observed_value', 'string'),
  field('partial_unexpected_list', 'string'),
  field('kwargs', 'string', false),
  field('exception_message', 'string'),
  field('validation_success', 'boolean', false),
  field('validated_at', 'timestamp', false),
);

export interface DqResultRecord {
  run_id: string;
  table_name: string;
  table_version: number;
  suite_name: string;
  expectation_index: number;
  expectation_type: string;
  column_name: string | null;
  severity: string;
  success: boolean;
  element_count: number | null;
  unexpected_count: number | null;
  unexpected_percent: number | null;
  observed_value: string | null;
  partial_unexpected_list: string | null;
  kwargs: string;
  exception_message: string | null;
  validation_success: boolean;
  validated_at: Date;
}

/** Where result records go besides ops/dq_results (e.g. Azure Table storage). */
export interface DqResultsSink {
  write(records: readonly DqResultRecord[]): Promise<void>;
}

export function resultRecords(
  runId: string,
  table: string,
  version: number,
  validation: SuiteValidationResult,
  at: Date,
): DqResultRecord[] {
  return validation.results.map((r, i) => {
    const kwargs = (r.expectation_config['kwargs'] ?? {}) as Record<string, JsonValue>;
    const column =
      kwargs['column'] ??
      kwargs['column_A'] ??
      (Array.isArray(kwargs['column_list']) ? kwargs['column_list'].map((c) => jsonText(c)).join(',') : null);
    const res = r.result;
    const n = (v: JsonValue | undefined) => (typeof v === 'number' ? v : null);
    return {
      run_id: runId,
      table_name: table,
      table_version: version,
      suite_name: validation.suite_name,
      expectation_index: i,
      expectation_type: jsonText(r.expectation_config['expectation_type']),
      column_name: typeof column === 'string' ? column : null,
      severity: jsonText(r.meta['severity'] ?? 'fail'),
      success: r.success,
      element_count: n(res['element_count']),
      unexpected_count: n(res['unexpected_count']),
      unexpected_percent: n(res['unexpected_percent']),
      observed_value: res['observed_value'] === undefined ? null : JSON.stringify(res['observed_value']),
      partial_unexpected_list:
        res['partial_unexpected_list'] === undefined ? null : JSON.stringify(res['partial_unexpected_list']),
      kwargs: JSON.stringify(kwargs),
      exception_message: r.exception_info.exception_message,
      validation_success: validation.success,
      validated_at: at,
    };
  });
}

/** Appends to ops/dq_results (created on first use); returns the new version, or null on a replay. */
export async function appendResults(
  store: ObjectStore,
  records: readonly DqResultRecord[],
): Promise<number | null> {
  const first = records[0];
  if (!first) return null;
  await createTable(store, {
    schema: DQ_RESULTS_SCHEMA,
    name: 'dq_results',
    description: 'data quality results per run, table version and expectation',
  });
  const snapshot = await loadSnapshot(store);
  const appId = `dq-results/${first.table_name}/${first.run_id}`;
  if (snapshot.txnVersion(appId) >= first.table_version) return null;
  const batch: Record<string, unknown[]> = {};
  for (const f of DQ_RESULTS_SCHEMA.fields) {
    batch[f.name] = records.map((r) => {
      const v = r[f.name as keyof DqResultRecord];
      if (v instanceof Date) return BigInt(v.getTime()) * 1000n;
      if (f.type === 'long' && typeof v === 'number') return BigInt(v);
      return v;
    });
  }
  const result = await appendBatch(store, batch, { snapshot, txn: { appId, version: first.table_version } });
  if (result.kind !== 'committed') throw new Error(`ops/dq_results append failed: ${result.conflict.detail}`);
  return result.version;
}

/** The Azure Table port: what `@azure/data-tables`' TableClient offers and the sink needs. */
export interface TableEntityWriter {
  createTable(): Promise<unknown>;
  upsertEntity(
    entity: { partitionKey: string; rowKey: string } & Record<string, unknown>,
    mode?: 'Merge' | 'Replace',
  ): Promise<unknown>;
}

const MAX_TEXT = 30_000;

export function tableStorageSink(client: TableEntityWriter): DqResultsSink {
  let created = false;
  return {
    async write(records) {
      if (!created) {
        await client.createTable();
        created = true;
      }
      for (const r of records) {
        await client.upsertEntity(
          {
            partitionKey: r.run_id,
            rowKey: `${r.table_name.replaceAll('/', ':')}|v${r.table_version}|${String(r.expectation_index).padStart(4, '0')}`,
            tableName: r.table_name,
            tableVersion: r.table_version,
            suiteName: r.suite_name,
            expectationType: r.expectation_type,
            columnName: r.column_name ?? '',
            severity: r.severity,
            success: r.success,
            elementCount: r.element_count ?? -1,
            unexpectedCount: r.unexpected_count ?? -1,
            unexpectedPercent: r.unexpected_percent ?? -1,
            observedValue: (r.observed_value ?? '').slice(0, MAX_TEXT),
            partialUnexpectedList: (r.partial_unexpected_list ?? '').slice(0, MAX_TEXT),
            kwargs: r.kwargs.slice(0, MAX_TEXT),
            exceptionMessage: (r.exception_message ?? '').slice(0, MAX_TEXT),
            validationSuccess: r.validation_success,
            validatedAt: r.validated_at,
          },
          'Replace',
        );
      }
    },
  };
}
