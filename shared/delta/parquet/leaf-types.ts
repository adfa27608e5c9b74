/**
 * Maps a Delta primitive type to how Parquet stores one leaf column of it: the physical type, the
 * `LeafKind` that tells how JS values convert to that physical type, and the logical + converted-type
 * annotations of the leaf's `SchemaElement`. Knows nothing of where the leaf sits in the schema tree:
 * parquet-schema.ts adds the path and levels.
 *
 * Mapping (Delta → Parquet):
 * - string → BYTE_ARRAY STRING (UTF8); binary → BYTE_ARRAY; boolean, float, double as themselves;
 * - long → INT64; integer → INT32; short/byte → INT32 INTEGER(16|8, signed) (INT_16|INT_8);
 * - date → INT32 DATE; timestamp → INT64 TIMESTAMP(UTC, MICROS) (TIMESTAMP_MICROS);
 *   timestamp_ntz → INT64 TIMESTAMP(not UTC, MICROS) without converted type (TIMESTAMP_MICROS would
 *   claim UTC to legacy readers);
 * - decimal(p,s) → INT32 if p <= 9, INT64 if p <= 18, else FIXED_LEN_BYTE_ARRAY of the fewest bytes
 *   holding 10^p - 1 in two's complement; DECIMAL logical + converted type with scale/precision.
 *
 * Invariants: `typeLength` is non-zero only for decimalFixed; `precision`/`scale` are 0 except for
 * decimals, whose precision is 1..38 and scale 0..precision (anything else, or a type not listed
 * above, throws).
 */
import { parseDecimal, type DataType } from '../protocol/schema.js';
import { ConvertedType, PhysicalType } from './format-constants.js';
import type { SchemaElement } from './file-metadata.js';

/** How JS values of a leaf map to its physical type. */
export type LeafKind =
  | 'string'
  | 'binary'
  | 'boolean'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'date'
  | 'int64'
  | 'timestamp'
  | 'float'
  | 'double'
  | 'decimal32'
  | 'decimal64'
  | 'decimalFixed';

/** How a leaf's values are stored, whatever its place in the schema. */
export interface LeafType {
  kind: LeafKind;
  physicalType: PhysicalType;
  /** FIXED_LEN_BYTE_ARRAY width (decimalFixed), else 0. */
  typeLength: number;
  precision: number;
  scale: number;
  /** timestamp: true (instant, UTC-adjusted); timestamp_ntz: false. Unused for other kinds. */
  adjustedToUtc: boolean;
}

/** The storage of Delta primitive `type`; `displayName` (the column's dotted path) is for errors. */
export function primitiveLeafType(type: string, displayName: string): LeafType {
  // Every result has the same keys in the same order (one object shape for all leaves).
  const common = { typeLength: 0, precision: 0, scale: 0, adjustedToUtc: true };
  switch (type) {
    case 'string':
      return { ...common, kind: 'string', physicalType: PhysicalType.BYTE_ARRAY };
    case 'binary':
      return { ...common, kind: 'binary', physicalType: PhysicalType.BYTE_ARRAY };
    case 'boolean':
      return { ...common, kind: 'boolean', physicalType: PhysicalType.BOOLEAN };
    case 'integer':
      return { ...common, kind: 'int32', physicalType: PhysicalType.INT32 };
    case 'short':
      return { ...common, kind: 'int16', physicalType: PhysicalType.INT32 };
    case 'byte':
      return { ...common, kind: 'int8', physicalType: PhysicalType.INT32 };
    case 'date':
      return { ...common, kind: 'date', physicalType: PhysicalType.INT32 };
    case 'long':
      return { ...common, kind: 'int64', physicalType: PhysicalType.INT64 };
    case 'timestamp':
      return { ...common, kind: 'timestamp', physicalType: PhysicalType.INT64 };
    case 'timestamp_ntz':
      return { ...common, kind: 'timestamp', physicalType: PhysicalType.INT64, adjustedToUtc: false };
    case 'float':
      return { ...common, kind: 'float', physicalType: PhysicalType.FLOAT };
    case 'double':
      return { ...common, kind: 'double', physicalType: PhysicalType.DOUBLE };
  }
  const dec = parseDecimal(type as DataType);
  if (!dec) throw new Error(`parquet: unsupported type ${type} for column ${displayName}`);
  const { precision, scale } = dec;
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw new Error(`parquet: invalid ${type} for column ${displayName}`);
  }
  if (precision <= 9)
    return { ...common, kind: 'decimal32', physicalType: PhysicalType.INT32, precision, scale };
  if (precision <= 18)
    return { ...common, kind: 'decimal64', physicalType: PhysicalType.INT64, precision, scale };
  return {
    ...common,
    kind: 'decimalFixed',
    physicalType: PhysicalType.FIXED_LEN_BYTE_ARRAY,
    typeLength: decimalByteWidth(precision),
    precision,
    scale,
  };
}

/** The fewest bytes n with 10^precision - 1 <= 2^(8n-1) - 1. */
export function decimalByteWidth(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let n = 1;
  while ((1n << BigInt(8 * n - 1)) - 1n < max) n++;
  return n;
}

/** The type fields of the leaf's `SchemaElement`: physical type, annotations, decimal width. */
export function leafAnnotations(leaf: LeafType): Partial<SchemaElement> {
  const t = { type: leaf.physicalType };
  switch (leaf.kind) {
    case 'string':
      return { ...t, convertedType: ConvertedType.UTF8, logicalType: { kind: 'STRING' } };
    case 'int16':
      return {
        ...t,
        convertedType: ConvertedType.INT_16,
        logicalType: { kind: 'INTEGER', bitWidth: 16, isSigned: true },
      };
    case 'int8':
      return {
        ...t,
        convertedType: ConvertedType.INT_8,
        logicalType: { kind: 'INTEGER', bitWidth: 8, isSigned: true },
      };
    case 'date':
      return { ...t, convertedType: ConvertedType.DATE, logicalType: { kind: 'DATE' } };
    case 'timestamp':
      return leaf.adjustedToUtc
        ? {
            ...t,
            convertedType: ConvertedType.TIMESTAMP_MICROS,
            logicalType: { kind: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
          }
        : { ...t, logicalType: { kind: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } };
    case 'decimal32':
    case 'decimal64':
    case 'decimalFixed':
      return {
        ...t,
        ...(leaf.typeLength ? { typeLength: leaf.typeLength } : {}),
        convertedType: ConvertedType.DECIMAL,
        scale: leaf.scale,
        precision: leaf.precision,
        logicalType: { kind: 'DECIMAL', scale: leaf.scale, precision: leaf.precision },
      };
    default:
      return t;
  }
}
