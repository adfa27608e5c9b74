/**
 * Delta types as DuckDB types (for typed empty tables and partition columns) and the type names
 * `expect_column_values_to_be_of_type` accepts: Delta (`long`, `decimal(18,2)`), Spark
 * (`LongType`, `DecimalType`), pandas/numpy (`int64`, `float64`, `object`, `datetime64[ns, UTC]`) and
 * DuckDB (`BIGINT`, `VARCHAR`). A bare family name (`DecimalType`, `decimal`) matches any precision.
 */
import type { DataType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import { ident } from './sql.js';

export function duckType(type: DataType): string {
  if (typeof type !== 'string') {
    switch (type.type) {
      case 'struct':
        return `STRUCT(${type.fields.map((f) => `${ident(f.name)} ${duckType(f.type)}`).join(', ')})`;
      case 'array':
        return `${duckType(type.elementType)}[]`;
      case 'map':
        return `MAP(${duckType(type.keyType)}, ${duckType(type.valueType)})`;
    }
  }
  const dec = parseDecimal(type);
  if (dec) return `DECIMAL(${dec.precision},${dec.scale})`;
  return PRIMITIVE[type] ?? 'VARCHAR';
}

const PRIMITIVE: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
};

/** The Delta type family a user-facing type name denotes, or undefined when unknown. */
export function typeFamily(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  if (/^decimal(\(|type|$)/.test(n) || n === 'numeric') return 'decimal';
  return ALIASES[n];
}

export function deltaTypeName(type: DataType): string {
  return typeof type === 'string' ? type : type.type;
}

/** GE semantics: type_ names a type; a decimal with precision must match exactly, a family matches any. */
export function typeMatches(expected: string, actual: DataType): boolean {
  const actualName = deltaTypeName(actual);
  const family = typeFamily(expected);
  if (family === undefined) return false;
  const actualFamily = parseDecimal(actual) ? 'decimal' : actualName;
  if (family !== actualFamily) return false;
  if (family !== 'decimal') return true;
  const want = /\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(expected);
  const have = parseDecimal(actual);
  return (
    !want || (have !== undefined && Number(want[1]) === have.precision && Number(want[2]) === have.scale)
  );
}

const ALIASES: Record<string, string> = Object.fromEntries(
  (
    [
      ['string', ['string', 'stringtype', 'str', 'object', 'varchar', 'text', 'utf8']],
      ['long', ['long', 'longtype', 'bigint', 'int64', 'int8']],
      ['integer', ['integer', 'integertype', 'int', 'int32', 'int4']],
      ['short', ['short', 'shorttype', 'smallint', 'int16', 'int2']],
      ['byte', ['byte', 'bytetype', 'tinyint', 'int1']],
      ['float', ['float', 'floattype', 'float32', 'real', 'float4']],
      ['double', ['double', 'doubletype', 'float64', 'float8']],
      ['boolean', ['boolean', 'booleantype', 'bool']],
      ['binary', ['binary', 'binarytype', 'blob', 'bytes']],
      ['date', ['date', 'datetype']],
      [
        'timestamp',
        [
          'timestamp',
          'timestamptype',
          'timestamptz',
          'timestamp with time zone',
          'datetime64[ns, utc]',
          'datetime64[us, utc]',
        ],
      ],
      [
        'timestamp_ntz',
        [
          'timestamp_ntz',
          'timestampntztype',
          'datetime64[ns]',
          'datetime64[us]',
          'timestamp without time zone',
        ],
      ],
      ['struct', ['struct', 'structtype']],
      ['array', ['array', 'arraytype', 'list']],
      ['map', ['map', 'maptype']],
    ] as const
  ).flatMap(([family, names]) => names.map((n) => [n, family])),
);
