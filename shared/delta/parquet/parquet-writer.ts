/**
 * `writeParquet`: encodes columnar rows of a Delta schema as one complete Parquet file in memory.
 *
 * File layout: "PAR1", row groups (each: one column chunk per leaf column, in schema order),
 * the compact-thrift FileMetaData footer, its 4-byte little-endian length, "PAR1".
 *
 * Invariants:
 * - `columns[i]` holds the values of `schema.fields[i]` for every row (all the same length), in the
 *   value model of protocol/schema.ts; a top-level primitive column may instead be a typed array
 *   (BigInt64Array for long/timestamp/decimal(<=18), Int32Array for integer/date/short/byte,
 *   Int16Array/Int8Array for short/byte, Float64Array for double, Float32Array for float), which
 *   cannot contain nulls. Row groups are windows of the inputs: nothing is copied per row group.
 * - Only DATA_PAGE (v1) and DICTIONARY_PAGE pages are written (widest reader support, BI tools
 *   included); codec SNAPPY by default.
 * - Invalid input (wrong JS type, out-of-range value, null in a non-nullable field) throws before
 *   anything is returned; the output is never a partially valid file.
 * - Synchronous and single-threaded by design: the caller decides where bytes go (ObjectStore).
 */
import type { StructType } from '../protocol/schema.js';
import { unionRange, type StringRange } from './byte-array-stats.js';
import { ByteWriter } from './byte-writer.js';
import { releaseScratch, writeColumnChunk, type ColumnWriteOptions } from './column-writer.js';
import { encodeFileMetaData, type ColumnChunk, type RowGroup } from './file-metadata.js';
import { Codec, MAGIC } from './format-constants.js';
import { buildParquetSchema, type LeafColumn, type ParquetSchema } from './parquet-schema.js';
import { toPhysical } from './physical-values.js';
import { shredColumn, type ColumnInput } from './shred-column.js';

export type { ColumnInput } from './shred-column.js';

export interface ParquetWriteOptions {
  /** Page codec; default 'snappy'. */
  compression?: 'snappy' | 'none';
  /** Rows per row group; default 131072 (about DuckDB's 122880: good read parallelism). */
  rowGroupRows?: number;
  /** FileMetaData.created_by; "<app> version <x>" is the form readers parse. */
  createdBy?: string;
  /** Dictionary-encode string/binary columns when it pays off; default true. */
  dictionary?: boolean;
  /** Extra footer key/value metadata. */
  keyValueMetadata?: Record<string, string>;
}

export const DEFAULT_ROW_GROUP_ROWS = 131_072;
export const DEFAULT_CREATED_BY = 'pos-lakehouse version 0.1.0 (build ts-parquet-writer)';

export function writeParquet(
  schema: StructType,
  columns: readonly ColumnInput[],
  options: ParquetWriteOptions = {},
): Uint8Array {
  return writeParquetFile(schema, columns, options).bytes;
}

export interface WrittenParquet {
  bytes: Uint8Array;
  /**
   * Top-level string columns (by index in the schema) that have a non-null value: their untruncated
   * min and max in UTF-8 byte order, as the writer found them for the footer statistics — so a
   * caller that also needs them (Delta file stats) does not compare every value again.
   */
  stringRanges: Map<number, StringRange>;
}

/** `writeParquet`, also handing out what the writer learnt about the values (`WrittenParquet`). */
export function writeParquetFile(
  schema: StructType,
  columns: readonly ColumnInput[],
  options: ParquetWriteOptions = {},
): WrittenParquet {
  if (schema.fields.length === 0) throw new Error('parquet: schema has no columns');
  if (columns.length !== schema.fields.length) {
    throw new Error(`parquet: ${columns.length} columns given for ${schema.fields.length} schema fields`);
  }
  const numRows = columns[0]?.length ?? 0;
  columns.forEach((c, i) => {
    if (c.length !== numRows) {
      throw new Error(
        `parquet: column ${schema.fields[i]?.name} has ${c.length} values, expected ${numRows}`,
      );
    }
  });
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1)
    throw new Error(`parquet: invalid rowGroupRows ${rowGroupRows}`);
  const opts: ColumnWriteOptions = {
    codec: (options.compression ?? 'snappy') === 'snappy' ? Codec.SNAPPY : Codec.UNCOMPRESSED,
    dictionary: options.dictionary ?? true,
  };

  const { elements, leaves } = parquetSchemaOf(schema);
  const out = new ByteWriter(estimateFileBytes(leaves, columns, numRows, opts.codec));
  out.write(MAGIC);
  const rowGroups: RowGroup[] = [];
  const stringRanges = new Map<number, StringRange>();
  try {
    for (let start = 0; start < numRows; start += rowGroupRows) {
      const end = Math.min(numRows, start + rowGroupRows);
      const rgStart = out.pos;
      const chunks: ColumnChunk[] = [];
      let uncompressed = 0;
      for (const leaf of leaves) {
        const shredded = shredColumn(leaf, columns[leaf.topIndex] as ColumnInput, start, end);
        const phys = toPhysical(leaf, shredded.values, shredded.valueOffset, shredded.numValues);
        const written = writeColumnChunk(out, leaf, shredded, phys, opts);
        chunks.push(written.chunk);
        uncompressed += written.uncompressedSize;
        if (written.stringRange && leaf.pathInSchema.length === 1) {
          const merged = unionRange(stringRanges.get(leaf.topIndex), written.stringRange);
          if (merged) stringRanges.set(leaf.topIndex, merged);
        }
      }
      rowGroups.push({
        columns: chunks,
        totalByteSize: uncompressed,
        numRows: end - start,
        fileOffset: rgStart,
        totalCompressedSize: out.pos - rgStart,
        ordinal: rowGroups.length,
      });
      if (rowGroups.length === 1 && end < numRows) {
        // Correct the up-front estimate with the real bytes per row of the first row group, so the
        // buffer grows at most once more (each regrowth copies everything written so far).
        out.ensure(Math.ceil(((out.pos - 4) / (end - start)) * (numRows - end) * 1.05) + (64 << 10));
      }
    }
  } finally {
    releaseScratch();
  }

  const footer = encodeFileMetaData({
    version: 1,
    schema: elements,
    numRows,
    rowGroups,
    createdBy: options.createdBy ?? DEFAULT_CREATED_BY,
    columnOrderCount: leaves.length,
    ...(options.keyValueMetadata
      ? { keyValueMetadata: Object.entries(options.keyValueMetadata).map(([key, value]) => ({ key, value })) }
      : {}),
  });
  out.write(footer);
  out.u32le(footer.length);
  out.write(MAGIC);
  // Hand out a plain Uint8Array over exactly the file bytes; copy only when the slack is large.
  const bytes = out.bytes;
  const file =
    bytes.length - out.pos > out.pos >>> 2
      ? new Uint8Array(bytes.subarray(0, out.pos))
      : new Uint8Array(bytes.buffer, bytes.byteOffset, out.pos);
  return { bytes: file, stringRanges };
}

// The Parquet schema of a Delta schema object (schemas are never mutated): a landing writes file after
// file with one schema, and mapping ~30 columns costs ~0.1 ms each time.
const parquetSchemas = new WeakMap<StructType, ParquetSchema>();
function parquetSchemaOf(schema: StructType): ParquetSchema {
  let built = parquetSchemas.get(schema);
  if (!built) parquetSchemas.set(schema, (built = buildParquetSchema(schema)));
  return built;
}

/**
 * A cheap guess of the file size from up to 64 sampled rows, assuming snappy halves the PLAIN
 * size. Over-estimating only reserves address space (untouched pages are never committed);
 * under-estimating costs one regrowth after the first row group.
 */
function estimateFileBytes(
  leaves: readonly LeafColumn[],
  columns: readonly ColumnInput[],
  numRows: number,
  codec: Codec,
): number {
  if (numRows === 0) return 4096;
  const samples = Math.min(64, numRows);
  const stride = numRows / samples;
  let rowBytes = 0;
  for (const leaf of leaves) {
    if (leaf.steps.length > 1) {
      rowBytes += 16;
      continue;
    }
    switch (leaf.kind) {
      case 'string':
      case 'binary': {
        const col = columns[leaf.topIndex];
        let sum = 0;
        if (Array.isArray(col)) {
          for (let k = 0; k < samples; k++) {
            const v: unknown = col[Math.floor(k * stride)];
            if (typeof v === 'string' || v instanceof Uint8Array) sum += v.length;
          }
        }
        rowBytes += 4 + sum / samples;
        break;
      }
      case 'int64':
      case 'timestamp':
      case 'decimal64':
      case 'double':
        rowBytes += 8;
        break;
      case 'decimalFixed':
        rowBytes += leaf.typeLength;
        break;
      default:
        rowBytes += 4;
    }
  }
  const factor = codec === Codec.SNAPPY ? 0.5 : 1;
  return Math.ceil(numRows * rowBytes * factor) + (64 << 10);
}
