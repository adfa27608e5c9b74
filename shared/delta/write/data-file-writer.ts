/**
 * Writes rows as Parquet data files of a table and returns the `add` actions describing them.
 *
 * Invariant: data files get fresh unique names and are written before any commit references them; a
 * file that never gets committed is an orphan (harmless, removed by vacuum after retention).
 */
import { randomUUID } from 'node:crypto';
import type { Add } from '../protocol/actions.js';
import { encodeAddPath } from '../protocol/paths.js';
import type { StructType } from '../protocol/schema.js';
import type { ObjectStore } from '../storage/object-store.js';
import { writeParquetFile } from '../parquet/parquet-writer.js';
import { DeltaError } from '../errors.js';
import { computeStats, statsToJson } from './stats.js';
import { partitionDirectory, serializePartitionValue } from './partition-path.js';

export interface WriteFilesOptions {
  /** Max rows per file; larger partitions are split. Default 1,000,000. */
  maxRowsPerFile?: number;
  dataChange?: boolean;
  /** `delta.dataSkippingNumIndexedCols`. */
  indexedColumns?: number;
  /** Extra Parquet options. */
  rowGroupRows?: number;
}

/** Columnar input: `columns[name]` holds one value per row, in the value model of protocol/schema.ts. */
export type ColumnBatch = Record<string, readonly unknown[]>;

export async function writeDataFiles(
  store: ObjectStore,
  schema: StructType,
  partitionColumns: readonly string[],
  batch: ColumnBatch,
  options: WriteFilesOptions = {},
): Promise<Add[]> {
  const numRows = batchLength(batch, schema);
  if (numRows === 0) return [];
  const dataSchema = dataSchemaOf(schema, partitionColumns);
  const groups = groupByPartition(schema, partitionColumns, batch, numRows);
  const adds: Add[] = [];
  const maxRows = options.maxRowsPerFile ?? 1_000_000;
  for (const group of groups) {
    for (let start = 0; start < group.rows.length; start += maxRows) {
      const rowIdx = group.rows.slice(start, start + maxRows);
      const columns = dataSchema.fields.map((f) => {
        const source = batch[f.name];
        if (!source) {
          if (!f.nullable) {
            throw new DeltaError(
              'InvalidArgument',
              `column ${f.name} is required but missing from the batch`,
            );
          }
          return new Array<unknown>(rowIdx.length).fill(null);
        }
        return rowIdx.length === numRows ? source : rowIdx.map((i) => source[i]);
      });
      checkNullability(dataSchema, columns);
      const { bytes, stringRanges } = writeParquetFile(dataSchema, columns, {
        compression: 'snappy',
        ...(options.rowGroupRows ? { rowGroupRows: options.rowGroupRows } : {}),
      });
      const name = `part-00000-${randomUUID()}-c000.snappy.parquet`;
      const dir = partitionColumns.length ? partitionDirectory(partitionColumns, group.values) : '';
      const key = dir ? `${dir}/${name}` : name;
      await store.put(key, bytes);
      const stats = computeStats(
        dataSchema,
        columns,
        rowIdx.length,
        options.indexedColumns,
        stringRanges,
      );
      adds.push({
        path: encodeAddPath(key),
        partitionValues: group.values,
        size: bytes.length,
        modificationTime: Date.now(),
        dataChange: options.dataChange ?? true,
        stats: statsToJson(stats),
      });
    }
  }
  return adds;
}

// The schema of the files (partition columns left out), one object per table schema object, so the
// Parquet writer's per-schema cache serves every file of a table.
const dataSchemas = new WeakMap<StructType, Map<string, StructType>>();
function dataSchemaOf(schema: StructType, partitionColumns: readonly string[]): StructType {
  let byPartitioning = dataSchemas.get(schema);
  if (!byPartitioning) dataSchemas.set(schema, (byPartitioning = new Map<string, StructType>()));
  const key = JSON.stringify(partitionColumns);
  let data = byPartitioning.get(key);
  if (!data) {
    data = { type: 'struct', fields: schema.fields.filter((f) => !partitionColumns.includes(f.name)) };
    byPartitioning.set(key, data);
  }
  return data;
}

export function batchLength(batch: ColumnBatch, schema: StructType): number {
  let n: number | undefined;
  for (const f of schema.fields) {
    const col = batch[f.name];
    if (!col) continue;
    if (n === undefined) n = col.length;
    else if (col.length !== n) {
      throw new DeltaError('InvalidArgument', `column ${f.name} has ${col.length} values, expected ${n}`);
    }
  }
  for (const name of Object.keys(batch)) {
    if (!schema.fields.some((f) => f.name === name)) {
      throw new DeltaError('InvalidArgument', `column ${name} is not in the table schema`);
    }
  }
  return n ?? 0;
}

function groupByPartition(
  schema: StructType,
  partitionColumns: readonly string[],
  batch: ColumnBatch,
  numRows: number,
): { values: Record<string, string | null>; rows: number[] }[] {
  if (partitionColumns.length === 0) {
    return [{ values: {}, rows: Array.from({ length: numRows }, (_, i) => i) }];
  }
  const types = partitionColumns.map((c) => {
    const f = schema.fields.find((x) => x.name === c);
    if (!f) throw new DeltaError('InvalidArgument', `partition column ${c} is not in the schema`);
    return f.type;
  });
  const [only] = partitionColumns;
  if (partitionColumns.length === 1 && only !== undefined) {
    // One partition column (the common case: a date): serialize each distinct value once.
    const column = batch[only];
    const type = types[0] ?? 'string';
    const byValue = new Map<unknown, { values: Record<string, string | null>; rows: number[] }>();
    const bySerialized = new Map<string | null, { values: Record<string, string | null>; rows: number[] }>();
    for (let i = 0; i < numRows; i++) {
      const raw = column?.[i] ?? null;
      let g = byValue.get(raw);
      if (!g) {
        const serialized = serializePartitionValue(raw, type);
        g = bySerialized.get(serialized);
        if (!g) bySerialized.set(serialized, (g = { values: { [only]: serialized }, rows: [] }));
        byValue.set(raw, g);
      }
      g.rows.push(i);
    }
    return [...bySerialized.values()];
  }
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[] }>();
  for (let i = 0; i < numRows; i++) {
    const values: Record<string, string | null> = {};
    partitionColumns.forEach((c, j) => {
      values[c] = serializePartitionValue(batch[c]?.[i] ?? null, types[j] ?? 'string');
    });
    const key = JSON.stringify(partitionColumns.map((c) => values[c] ?? null));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { values, rows: [] }));
    g.rows.push(i);
  }
  return [...groups.values()];
}

function checkNullability(schema: StructType, columns: readonly (readonly unknown[])[]): void {
  schema.fields.forEach((f, i) => {
    const col = columns[i] ?? [];
    // A typed array holds no null (and reading a BigInt64Array element allocates a bigint).
    if (f.nullable || ArrayBuffer.isView(col)) return;
    for (let r = 0; r < col.length; r++) {
      if (col[r] === null || col[r] === undefined) {
        throw new DeltaError('InvalidArgument', `column ${f.name} is NOT NULL but row ${r} is null`);
      }
    }
  });
}
