/**
 * Reads Parquet files through the storage port with hyparquet, returning raw-but-exact values:
 * decimals as unscaled integers (hyparquet would turn them into lossy doubles), timestamps as bigint
 * microseconds (INT96, MILLIS, MICROS, NANOS all normalised), dates as day numbers.
 */
import { parquetMetadata, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ObjectStore } from '../storage/object-store.js';
import { NotFoundError } from '../storage/object-store.js';
import { utf8Text } from '../utf8-text.js';

/** Files up to this size are fetched in one GET; larger ones are read by ranges. */
const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

export interface RawParquet {
  metadata: FileMetaData;
  /** Top-level column name → decimal scale, for columns (at any depth) whose annotation we stripped. */
  decimalScales: Map<string, number>;
  rows: Record<string, unknown>[];
}

const PARSERS = {
  timestampFromMilliseconds: (ms: bigint | number) => BigInt(ms) * 1000n,
  timestampFromMicroseconds: (us: bigint | number) => BigInt(us),
  timestampFromNanoseconds: (ns: bigint | number) => floorDiv(BigInt(ns), 1000n),
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array | undefined) => (bytes ? utf8Text(bytes) : bytes),
  jsonFromBytes: (bytes: Uint8Array | undefined) => (bytes ? utf8Text(bytes) : bytes),
  geometryFromBytes: (bytes: Uint8Array | undefined) => bytes,
  geographyFromBytes: (bytes: Uint8Array | undefined) => bytes,
  uuidFromBytes: (bytes: Uint8Array | undefined) => bytes,
};

export async function readParquetObject(
  store: ObjectStore,
  key: string,
  columns?: string[],
): Promise<RawParquet> {
  const file = await openAsyncBuffer(store, key);
  const metadata = await parquetMetadataAsync(file);
  return readWithMetadata(file, metadata, columns);
}

export async function readParquetBytes(bytes: Uint8Array, columns?: string[]): Promise<RawParquet> {
  const file = toArrayBuffer(bytes);
  return readWithMetadata(file, parquetMetadata(file), columns);
}

async function readWithMetadata(
  file: AsyncBuffer | ArrayBuffer,
  metadata: FileMetaData,
  columns: string[] | undefined,
): Promise<RawParquet> {
  const decimalScales = stripDecimalAnnotations(metadata.schema);
  const available = new Set(topLevelNames(metadata.schema));
  const wanted = columns?.filter((c) => available.has(c));
  if (wanted && wanted.length === 0) {
    return { metadata, decimalScales, rows: Array.from({ length: Number(metadata.num_rows) }, () => ({})) };
  }
  const rows = (await parquetReadObjects({
    file,
    metadata,
    compressors,
    utf8: false,
    parsers: PARSERS,
    ...(wanted ? { columns: wanted } : {}),
  })) as Record<string, unknown>[];
  return { metadata, decimalScales, rows };
}

/** Names of the top-level columns of a Parquet schema (children of the root element). */
export function topLevelNames(schema: SchemaElement[]): string[] {
  const names: string[] = [];
  const root = schema[0];
  let i = 1;
  for (let c = 0; c < (root?.num_children ?? 0); c++) {
    const el = schema[i];
    if (!el) break;
    names.push(el.name);
    i = skipSubtree(schema, i);
  }
  return names;
}

function skipSubtree(schema: SchemaElement[], index: number): number {
  const el = schema[index];
  let next = index + 1;
  for (let c = 0; c < (el?.num_children ?? 0); c++) next = skipSubtree(schema, next);
  return next;
}

/**
 * Removes DECIMAL annotations so hyparquet hands back the stored integers (INT32, INT64) or the
 * big-endian two's complement bytes (FIXED_LEN_BYTE_ARRAY, BYTE_ARRAY); the caller rescales exactly.
 */
function stripDecimalAnnotations(schema: SchemaElement[]): Map<string, number> {
  const scales = new Map<string, number>();
  for (const el of schema) {
    const logical = el.logical_type as { type?: string; scale?: number } | undefined;
    if (el.converted_type === 'DECIMAL' || logical?.type === 'DECIMAL') {
      scales.set(el.name, el.scale ?? logical?.scale ?? 0);
      const mutable = el as { converted_type?: unknown; logical_type?: unknown };
      delete mutable.converted_type;
      delete mutable.logical_type;
    }
  }
  return scales;
}

async function openAsyncBuffer(store: ObjectStore, key: string): Promise<AsyncBuffer | ArrayBuffer> {
  const meta = await store.head(key);
  if (!meta) throw new NotFoundError(store.description, key);
  if (meta.size <= WHOLE_FILE_LIMIT) {
    const bytes = await store.get(key);
    if (!bytes) throw new NotFoundError(store.description, key);
    return toArrayBuffer(bytes);
  }
  return {
    byteLength: meta.size,
    slice: async (start: number, end?: number) =>
      toArrayBuffer(await store.getRange(key, start, end ?? meta.size)),
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
