/**
 * Reads classic checkpoints (single- or multi-part Parquet) into actions. Columns are resolved by name
 * and maps by logical type, so map groups named `key_value` (Spark) or `entries` (parquet-rs) both work.
 * Only the actions that matter for reconciliation are read; commitInfo never appears in checkpoints.
 */
import type { Action, Add, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js';
import type { ObjectStore } from '../storage/object-store.js';
import { readParquetObject } from '../read/parquet-file.js';
import { DeltaError } from '../errors.js';

const COLUMNS = ['protocol', 'metaData', 'txn', 'add', 'remove'];

export async function readCheckpoint(store: ObjectStore, keys: string[], table: string): Promise<Action[]> {
  const actions: Action[] = [];
  for (const key of keys) {
    let rows: Record<string, unknown>[];
    try {
      rows = (await readParquetObject(store, key, COLUMNS)).rows;
    } catch (err) {
      throw new DeltaError(
        'CorruptLog',
        `cannot read checkpoint ${key} of table ${table}: ${String(err)}`,
        {
          table,
          path: key,
        },
        { cause: err },
      );
    }
    for (const row of rows) {
      const action = rowToAction(row);
      if (action) actions.push(action);
    }
  }
  return actions;
}

function rowToAction(row: Record<string, unknown>): Action | undefined {
  const add = row.add as Record<string, unknown> | null | undefined;
  if (add && typeof add.path === 'string') {
    return {
      add: {
        ...(add as unknown as Add),
        partitionValues: (add.partitionValues as Record<string, string | null> | null) ?? {},
        size: Number(add.size),
        modificationTime: Number(add.modificationTime ?? 0),
        ...(add.deletionVector && (add.deletionVector as { storageType?: unknown }).storageType
          ? {}
          : { deletionVector: null }),
      },
    };
  }
  const remove = row.remove as Record<string, unknown> | null | undefined;
  if (remove && typeof remove.path === 'string') {
    return {
      remove: {
        ...(remove as unknown as Remove),
        deletionTimestamp: remove.deletionTimestamp === null ? null : Number(remove.deletionTimestamp),
        ...(remove.size === null || remove.size === undefined ? {} : { size: Number(remove.size) }),
        ...(remove.deletionVector && (remove.deletionVector as { storageType?: unknown }).storageType
          ? {}
          : { deletionVector: null }),
      },
    };
  }
  const metaData = row.metaData as Record<string, unknown> | null | undefined;
  if (metaData && typeof metaData.id === 'string') {
    return {
      metaData: {
        ...(metaData as unknown as Metadata),
        partitionColumns: (metaData.partitionColumns as string[] | null) ?? [],
        configuration: (metaData.configuration as Record<string, string> | null) ?? {},
        createdTime:
          metaData.createdTime === null || metaData.createdTime === undefined
            ? null
            : Number(metaData.createdTime),
      },
    };
  }
  const protocol = row.protocol as Record<string, unknown> | null | undefined;
  if (protocol && protocol.minReaderVersion !== null && protocol.minReaderVersion !== undefined) {
    return {
      protocol: {
        ...(protocol as unknown as Protocol),
        minReaderVersion: Number(protocol.minReaderVersion),
        minWriterVersion: Number(protocol.minWriterVersion),
      },
    };
  }
  const txn = row.txn as Record<string, unknown> | null | undefined;
  if (txn && typeof txn.appId === 'string') {
    return {
      txn: {
        ...(txn as unknown as Txn),
        version: Number(txn.version),
        lastUpdated:
          txn.lastUpdated === null || txn.lastUpdated === undefined ? null : Number(txn.lastUpdated),
      },
    };
  }
  return undefined;
}
