/**
 * Partition value → log string (PROTOCOL.md "Partition Value Serialization") and → Hive directory name.
 */
import type { DataType } from '../protocol/schema.js';
import { parseDecimal } from '../protocol/schema.js';
import { escapePartitionComponent, HIVE_DEFAULT_PARTITION } from '../protocol/paths.js';
import { formatDate, formatDecimal, formatTimestampMicros } from '../read/json-rows.js';
import { utf8Text } from '../utf8-text.js';

export function serializePartitionValue(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  if (typeof type !== 'string') throw new Error('complex types cannot be partition columns');
  switch (type) {
    case 'string': {
      const s = value as string;
      return s === '' ? null : s;
    }
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return (value as number | bigint).toString();
    case 'float':
    case 'double': {
      const n = value as number;
      return Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
    case 'timestamp_ntz':
      return formatTimestampMicros(value as bigint);
    case 'binary':
      return utf8Text(value as Uint8Array);
    default: {
      const dec = parseDecimal(type);
      if (!dec) throw new Error(`unsupported partition type ${type}`);
      return formatDecimal(value as bigint, dec.scale);
    }
  }
}

/** `col=value/col2=value2` with Hive escaping; null → __HIVE_DEFAULT_PARTITION__. */
export function partitionDirectory(
  columns: readonly string[],
  values: Record<string, string | null>,
): string {
  return columns
    .map((c) => {
      const v = values[c];
      return `${escapePartitionComponent(c)}=${v === null || v === undefined ? HIVE_DEFAULT_PARTITION : escapePartitionComponent(v)}`;
    })
    .join('/');
}
