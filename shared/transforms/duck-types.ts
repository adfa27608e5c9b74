/**
 * Between our Delta value model (shared/delta/protocol/schema.ts) and DuckDB: column types for DDL and
 * casts, and DuckDB result values back to the value model (decimals stay exact unscaled bigints).
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DataType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import { utf8Text } from '../delta/utf8-text.js';

export function duckType(type: DataType): string {
  if (typeof type !== 'string') {
    if (type.type === 'array') return `${duckType(type.elementType)}[]`;
    throw new Error(`no DuckDB mapping for ${type.type} columns`);
  }
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'long':
      return 'BIGINT';
    case 'integer':
      return 'INTEGER';
    case 'short':
      return 'SMALLINT';
    case 'byte':
      return 'TINYINT';
    case 'double':
      return 'DOUBLE';
    case 'float':
      return 'FLOAT';
    case 'boolean':
      return 'BOOLEAN';
    case 'binary':
      return 'BLOB';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'timestamp_ntz':
      return 'TIMESTAMP';
    default: {
      const dec = parseDecimal(type);
      if (!dec) throw new Error(`no DuckDB mapping for ${type}`);
      return `DECIMAL(${dec.precision},${dec.scale})`;
    }
  }
}

/** A DuckDB result value in the value model of `type`. */
export function fromDuck(value: DuckDBValue, type: DataType): unknown {
  if (value === null) return null;
  if (value instanceof DuckDBDecimalValue) {
    const dec = parseDecimal(type);
    if (!dec) throw new Error(`decimal value for a ${JSON.stringify(type)} column`);
    return rescale(value.value, value.scale, dec.scale);
  }
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return value.micros;
  if (value instanceof DuckDBDateValue) return value.days;
  if (type === 'long') return typeof value === 'bigint' ? value : BigInt(value as number);
  if (type === 'integer' || type === 'short' || type === 'byte') return Number(value);
  if (type === 'string' && value instanceof DuckDBBlobValue) return utf8Text(value.bytes);
  return value;
}

/**
 * A string aggregate as SQL that `fromDuck` reads exactly: as its UTF-8 bytes, because the DuckDB Node
 * client decodes VARCHARs with a default TextDecoder, which drops a leading U+FEFF ('\uFEFFa' → 'a').
 */
export function stringAsBytes(sql: string): string {
  return `encode(${sql})`;
}

function rescale(unscaled: bigint, from: number, to: number): bigint {
  if (from === to) return unscaled;
  if (to > from) return unscaled * 10n ** BigInt(to - from);
  throw new Error(`decimal of scale ${from} does not fit scale ${to} exactly`);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Rows of a relation (table or view) on `conn`. */
export async function countRows(conn: DuckDBConnection, relation: string): Promise<number> {
  const reader = await conn.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(relation)}`);
  return Number(reader.getRows()[0]?.[0] ?? 0n);
}
