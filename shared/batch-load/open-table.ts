/**
 * The batch-load tables (stores, products, sales history, quarantine) opened at their logical names
 * under the lake root, each created with its contract schema and partitioning when absent.
 *
 * Writing rows only stages data files beside the log: nothing becomes visible until a commit adds
 * them, so files staged by a run that then fails or loses a race stay unreferenced.
 */
import { DeltaError } from '../delta/errors.js';
import type { Add } from '../delta/protocol/actions.js';
import type { StructType } from '../delta/protocol/schema.js';
import { tableProperties } from '../delta/protocol/table-properties.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { createTable } from '../delta/table.js';
import type { ColumnBatch } from '../delta/write/data-file-writer.js';
import { writeDataFiles } from '../delta/write/data-file-writer.js';
import {
  BATCH_QUARANTINE_SCHEMA,
  BATCH_QUARANTINE_TABLE,
  MASTER_PARTITIONS,
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from './master-tables.js';

export interface OpenTable {
  name: string;
  store: ObjectStore;
  snapshot: Snapshot;
}

const TABLE_SCHEMAS: readonly [string, StructType][] = [
  [STORES_TABLE, STORES_SCHEMA],
  [PRODUCTS_TABLE, PRODUCTS_SCHEMA],
  [SALES_HISTORY_TABLE, SALES_HISTORY_SCHEMA],
  [BATCH_QUARANTINE_TABLE, BATCH_QUARANTINE_SCHEMA],
];

export async function openTables(lake: ObjectStore): Promise<Map<string, OpenTable>> {
  const opened = await Promise.all(
    TABLE_SCHEMAS.map(async ([name, schema]) => {
      const store = prefixed(lake, name);
      return {
        name,
        store,
        snapshot: await openOrCreate(store, schema, MASTER_PARTITIONS[name] ?? [], name.replace('/', '_')),
      };
    }),
  );
  return new Map(opened.map((t) => [t.name, t]));
}

export function tableFor(tables: Map<string, OpenTable>, name: string): OpenTable {
  const table = tables.get(name);
  if (!table) throw new Error(`table ${name} was not opened`);
  return table;
}

export async function writeRows(table: OpenTable, rows: readonly object[]): Promise<Add[]> {
  if (rows.length === 0) return [];
  const { snapshot } = table;
  return writeDataFiles(
    table.store,
    snapshot.schema,
    snapshot.partitionColumns,
    toColumns(snapshot.schema, rows),
    {
      indexedColumns: tableProperties(snapshot.metadata.configuration).indexedColumns,
    },
  );
}

async function openOrCreate(
  store: ObjectStore,
  schema: StructType,
  partitionColumns: string[],
  name: string,
): Promise<Snapshot> {
  try {
    return await loadSnapshot(store);
  } catch (err) {
    if (!(err instanceof DeltaError) || err.kind !== 'TableNotFound') throw err;
  }
  return (await createTable(store, { schema, partitionColumns, name })).snapshot;
}

function toColumns(schema: StructType, rows: readonly object[]): ColumnBatch {
  const batch: Record<string, unknown[]> = {};
  for (const f of schema.fields)
    batch[f.name] = rows.map((r) => (r as Record<string, unknown>)[f.name] ?? null);
  return batch;
}
