/**
 * Converts raw Parquet values (as returned by `readParquetObject`) into the library's value model
 * (see protocol/schema.ts), driven by the Delta schema. Fields missing from the file read as null,
 * which is how schema evolution (added columns) is honoured.
 */
import type { DataType, StructType } from '../protocol/schema.js';
import { parseDecimal } from '../protocol/schema.js';
import { utf8Text } from '../utf8-text.js';

export function convertValue(raw: unknown, type: DataType): unknown {
  if (raw === null || raw === undefined) return null;
  if (typeof type === 'string') return convertPrimitive(raw, type);
  switch (type.type) {
    case 'struct':
      return convertStruct(raw as Record<string, unknown>, type);
    case 'array':
      return (raw as unknown[]).map((v) => convertValue(v, type.elementType));
    case 'map':
      return convertMap(raw, type.keyType, type.valueType);
  }
}

export function convertStruct(raw: Record<string, unknown>, type: StructType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) out[f.name] = convertValue(lookup(raw, f.name), f.type);
  return out;
}

/** Field lookup by exact name, then case-insensitively (Spark resolves Parquet columns that way). */
export function lookup(raw: Record<string, unknown>, name: string): unknown {
  if (name in raw) return raw[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(raw)) if (k.toLowerCase() === lower) return raw[k];
  return undefined;
}

/**
 * Maps become `Map`s keyed by typed keys. hyparquet assembles maps as plain objects, so non-string
 * keys arrive as their string form and are parsed back by the key type.
 */
function convertMap(raw: unknown, keyType: DataType, valueType: DataType): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  const entries =
    raw instanceof Map ? [...(raw as Map<unknown, unknown>)] : Object.entries(raw as Record<string, unknown>);
  for (const [k, v] of entries)
    out.set(
      typeof k === 'string' ? keyFromString(k, keyType) : convertValue(k, keyType),
      convertValue(v, valueType),
    );
  return out;
}

function keyFromString(k: string, keyType: DataType): unknown {
  if (typeof keyType !== 'string') return k;
  switch (keyType) {
    case 'string':
      return k;
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return BigInt(k);
    case 'integer':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
    case 'date':
      return Number(k);
    case 'boolean':
      return k === 'true';
    default:
      return parseDecimal(keyType) ? BigInt(k) : k;
  }
}

function convertPrimitive(raw: unknown, type: string): unknown {
  switch (type) {
    case 'string':
      return raw instanceof Uint8Array ? utf8Text(raw) : String(raw);
    case 'long':
      return typeof raw === 'bigint' ? raw : BigInt(raw as number);
    case 'integer':
    case 'short':
    case 'byte':
      return Number(raw);
    case 'float':
    case 'double':
      return Number(raw);
    case 'boolean':
      return Boolean(raw);
    case 'binary':
      return raw instanceof Uint8Array ? raw : new TextEncoder().encode(String(raw));
    case 'date':
      return Number(raw);
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof raw === 'bigint' ? raw : BigInt(raw as number);
    default: {
      const dec = parseDecimal(type as DataType);
      if (dec) return toUnscaled(raw);
      throw new Error(`unsupported column type ${type}`);
    }
  }
}

/** Stored decimal (INT32/INT64 number or big-endian two's complement bytes) → unscaled bigint. */
export function toUnscaled(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return BigInt(raw);
  if (raw instanceof Uint8Array) {
    if (raw.length === 0) return 0n;
    let v = 0n;
    for (const b of raw) v = (v << 8n) | BigInt(b);
    const bits = BigInt(raw.length * 8);
    if ((raw[0] ?? 0) & 0x80) v -= 1n << bits;
    return v;
  }
  throw new Error(`cannot read decimal from ${typeof raw}`);
}
