/**
 * Table scan: reads the live data files of a snapshot and yields rows in the value model, with the
 * table schema's column order, partition columns materialised from `partitionValues`, and columns
 * missing from older files read as null.
 */
import { DeltaError } from '../errors.js';
import type { Add } from '../protocol/actions.js';
import { resolveActionPath } from '../protocol/paths.js';
import type { StructField } from '../protocol/schema.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';
import { convertValue, lookup } from './convert.js';
import { readParquetObject } from './parquet-file.js';
import { parsePartitionValue } from './partition-values.js';

export type Row = Record<string, unknown>;

export interface ScanOptions {
  /** Columns to return (default: all, in schema order). */
  columns?: string[];
  /** Keep only files whose partition values satisfy this predicate (values already typed). */
  partitionFilter?: (values: Row) => boolean;
  /** Zone for legacy zone-less timestamp partition values (Spark's session time zone). */
  sessionTimeZone?: string;
  /** Data files read ahead concurrently (default 8). */
  prefetchFiles?: number;
  /** Resolves absolute file URIs found in the log to a store and key. */
  resolveAbsolute?: (uri: string) => { store: ObjectStore; key: string } | undefined;
}

export async function* scanRows(snapshot: Snapshot, options: ScanOptions = {}): AsyncGenerator<Row> {
  const selected: { add: Add; partition: Row }[] = [];
  for (const add of snapshot.files) {
    const partition = partitionValuesOf(snapshot, add, options.sessionTimeZone);
    if (options.partitionFilter && !options.partitionFilter(partition)) continue;
    selected.push({ add, partition });
  }
  // Read ahead a few files so object-store and disk latency overlap; rows still come out in log order.
  const window = Math.max(1, options.prefetchFiles ?? 8);
  const inFlight: Promise<Row[]>[] = [];
  let next = 0;
  const launch = () => {
    const item = selected[next++];
    if (!item) return;
    const read = readFileRows(snapshot, item.add, options, item.partition);
    // Read-ahead results may be abandoned (the consumer stops, or an earlier file fails): their
    // rejections are observed here and re-thrown only when their turn comes.
    read.catch(() => undefined);
    inFlight.push(read);
  };
  while (next < selected.length && inFlight.length < window) launch();
  while (inFlight.length > 0) {
    const rows = await (inFlight.shift() as Promise<Row[]>);
    if (next < selected.length) launch();
    yield* rows;
  }
}

export async function scanAll(snapshot: Snapshot, options: ScanOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of scanRows(snapshot, options)) rows.push(row);
  return rows;
}

export function partitionValuesOf(snapshot: Snapshot, add: Add, sessionTimeZone?: string): Row {
  const out: Row = {};
  for (const column of snapshot.partitionColumns) {
    const f = findField(snapshot.schema.fields, column);
    if (!f) {
      throw new DeltaError(
        'CorruptLog',
        `partition column ${column} is not in the schema of ${snapshot.table}`,
        {
          table: snapshot.table,
        },
      );
    }
    const raw = lookupPartitionValue(add.partitionValues, column);
    out[f.name] = parsePartitionValue(raw, f.type, column, sessionTimeZone ? { sessionTimeZone } : {});
  }
  return out;
}

async function readFileRows(
  snapshot: Snapshot,
  add: Add,
  options: ScanOptions,
  partition: Row,
): Promise<Row[]> {
  const { store, key } = locate(snapshot, add, options);
  const fields = selectedFields(snapshot, options.columns);
  const dataColumns = fields.filter((f) => !(f.name in partition)).map((f) => f.name);
  let raw;
  try {
    raw = await readParquetObject(store, key, dataColumns);
  } catch (err) {
    throw new DeltaError(
      'DataFileError',
      `cannot read data file ${add.path} of ${snapshot.table}: ${String(err)}`,
      {
        table: snapshot.table,
        version: snapshot.version,
        path: add.path,
      },
      { cause: err },
    );
  }
  const out: Row[] = new Array<Row>(raw.rows.length);
  raw.rows.forEach((r, i) => {
    const row: Row = {};
    for (const f of fields) {
      row[f.name] = f.name in partition ? partition[f.name] : convertValue(lookup(r, f.name), f.type);
    }
    out[i] = row;
  });
  return out;
}

function locate(snapshot: Snapshot, add: Add, options: ScanOptions): { store: ObjectStore; key: string } {
  const resolved = resolveActionPath(add.path);
  if (resolved.kind === 'relative') return { store: snapshot.store, key: resolved.path };
  const located = options.resolveAbsolute?.(resolved.uri);
  if (!located) {
    throw new DeltaError(
      'DataFileError',
      `cannot resolve absolute data file path ${add.path} of ${snapshot.table}`,
      {
        table: snapshot.table,
        path: add.path,
      },
    );
  }
  return located;
}

function selectedFields(snapshot: Snapshot, columns: string[] | undefined): StructField[] {
  if (!columns) return snapshot.schema.fields;
  return columns.map((c) => {
    const f = findField(snapshot.schema.fields, c);
    if (!f)
      throw new DeltaError('InvalidArgument', `no column ${c} in ${snapshot.table}`, {
        table: snapshot.table,
      });
    return f;
  });
}

function findField(fields: StructField[], name: string): StructField | undefined {
  return (
    fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  );
}

function lookupPartitionValue(
  values: Record<string, string | null>,
  column: string,
): string | null | undefined {
  if (column in values) return values[column];
  const lower = column.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
