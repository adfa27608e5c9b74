/**
 * The run ledger: every pipeline run, as one row in `ops/runs` (Delta, for BI) and one entity in the
 * `PipelineRuns` Azure Table (for the API and operators). Re-running a day appends a new Delta row; the
 * table entity is replaced. Both carry the table versions each step read and produced, so a run can be
 * matched with Bronze/Silver/Gold history.
 */
import type { TableClient } from '@azure/data-tables';
import { field, struct } from '../delta/protocol/schema.js';
import type { StructType } from '../delta/protocol/schema.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { appendBatch, createTable } from '../delta/table.js';
import { parseDateDays } from '../delta/read/partition-values.js';
import type { PipelineInput, PipelineResult } from '../../orchestrations/pipeline-types.js';

export const RUNS_TABLE = 'ops/runs';
export const RUNS_AZURE_TABLE = 'PipelineRuns';

export const RUNS_SCHEMA: StructType = struct(
  field('instance_id', 'string', false),
  field('business_date', 'date', false),
  field('kind', 'string', false),
  field('trigger', 'string'),
  field('status', 'string', false),
  field('started_at', 'timestamp', false),
  field('finished_at', 'timestamp', false),
  field('duration_ms', 'long', false),
  field('load_engine', 'string'),
  field('transform_engine', 'string'),
  /** JSON array of per-step results (status, duration, row counts, versions, error). */
  field('steps_json', 'string', false),
  /** JSON object table → version produced by this run. */
  field('table_versions_json', 'string', false),
  field('error', 'string'),
  field('recorded_at', 'timestamp', false),
);

export interface RunLedger {
  record(entry: { result: PipelineResult; input: PipelineInput }): Promise<void>;
}

export function runLedger(
  lake: ObjectStore,
  tableClient: TableClient | undefined,
  now: () => number = Date.now,
): RunLedger {
  return {
    async record({ result, input }) {
      const versions: Record<string, number> = {};
      for (const s of result.steps) Object.assign(versions, s.tableVersions ?? {});
      const micros = (iso: string) => BigInt(new Date(iso).getTime()) * 1000n;
      const store = prefixed(lake, RUNS_TABLE);
      await createTable(store, { schema: RUNS_SCHEMA, partitionColumns: [], name: 'runs' });
      await appendBatch(store, {
        instance_id: [result.instanceId],
        business_date: [parseDateDays(result.businessDate)],
        kind: [result.kind],
        trigger: [input.trigger],
        status: [result.status],
        started_at: [micros(result.startedAt)],
        finished_at: [micros(result.finishedAt)],
        duration_ms: [BigInt(new Date(result.finishedAt).getTime() - new Date(result.startedAt).getTime())],
        load_engine: [input.engines.load],
        transform_engine: [input.engines.transform],
        steps_json: [JSON.stringify(result.steps)],
        table_versions_json: [JSON.stringify(versions)],
        error: [result.error ?? null],
        recorded_at: [BigInt(now()) * 1000n],
      });
      if (tableClient) {
        await tableClient.createTable().catch(() => undefined);
        await tableClient.upsertEntity(
          {
            partitionKey: result.businessDate,
            rowKey: result.instanceId,
            kind: result.kind,
            status: result.status,
            startedAt: result.startedAt,
            finishedAt: result.finishedAt,
            steps: JSON.stringify(result.steps),
            tableVersions: JSON.stringify(versions),
            error: result.error ?? '',
          },
          'Replace',
        );
      }
    },
  };
}
