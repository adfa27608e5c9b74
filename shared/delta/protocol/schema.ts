/**
 * Delta table schemas: Spark `StructType` JSON as stored in `metaData.schemaString` (PROTOCOL.md
 * "Schema Serialization Format").
 *
 * In-memory value model used by the whole library (reader, writer, stats, scan output):
 * | Delta type                 | JS value                                                    |
 * |----------------------------|-------------------------------------------------------------|
 * | string                     | string                                                      |
 * | long                       | bigint                                                      |
 * | integer, short, byte       | number                                                      |
 * | float, double              | number (NaN and ±Infinity allowed)                          |
 * | boolean                    | boolean                                                     |
 * | binary                     | Uint8Array                                                  |
 * | date                       | number: days since 1970-01-01                               |
 * | timestamp, timestamp_ntz   | bigint: microseconds since 1970-01-01T00:00:00Z             |
 * | decimal(p,s)               | bigint: the unscaled value (value = unscaled / 10^s)        |
 * | struct                     | plain object keyed by field name                            |
 * | array                      | JS array                                                    |
 * | map                        | Map (writers also accept a plain object with string keys)   |
 * | null                       | null                                                        |
 */
export type PrimitiveType =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | `decimal(${number},${number})`;

export interface StructField {
  name: string;
  type: DataType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export interface ArrayType {
  type: 'array';
  elementType: DataType;
  containsNull: boolean;
}

export interface MapType {
  type: 'map';
  keyType: DataType;
  valueType: DataType;
  valueContainsNull: boolean;
}

export type DataType = PrimitiveType | StructType | ArrayType | MapType;

export interface DecimalType {
  precision: number;
  scale: number;
}

const DECIMAL_RE = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

/** Parses `decimal(p,s)`; `undefined` for any other type. Spark's bare `decimal` means decimal(10,0). */
export function parseDecimal(type: DataType): DecimalType | undefined {
  if (typeof type !== 'string') return undefined;
  if (type === ('decimal' as PrimitiveType)) return { precision: 10, scale: 0 };
  const m = DECIMAL_RE.exec(type);
  if (!m) return undefined;
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

export function isPrimitive(type: DataType): type is PrimitiveType {
  return typeof type === 'string';
}

export function field(name: string, type: DataType, nullable = true): StructField {
  return { name, type, nullable, metadata: {} };
}

export function struct(...fields: StructField[]): StructType {
  return { type: 'struct', fields };
}

export function parseSchemaString(schemaString: string): StructType {
  const parsed = JSON.parse(schemaString) as unknown;
  if (!isStructType(parsed)) throw new Error('schemaString is not a struct type');
  return parsed;
}

export function schemaToString(schema: StructType): string {
  return JSON.stringify(schema);
}

function isStructType(value: unknown): value is StructType {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'struct' &&
    Array.isArray((value as { fields?: unknown }).fields)
  );
}
