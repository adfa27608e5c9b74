/**
 * Partition values are strings in the log (PROTOCOL.md "Partition Value Serialization"); this turns
 * them into the value model for the column's type. `null` and `""` both mean null.
 */
import type { DataType } from '../protocol/schema.js';
import { parseDecimal } from '../protocol/schema.js';
import { DeltaError } from '../errors.js';
import { localToUtc } from './zoned-time.js';

export interface PartitionParseOptions {
  /**
   * Zone for Spark's legacy zone-less timestamp partition values (`2021-09-08 11:11:11`). Spark reads
   * them in its session time zone; we default to UTC like delta-rs and delta-kernel-rs.
   */
  sessionTimeZone?: string;
}

export function parsePartitionValue(
  raw: string | null | undefined,
  type: DataType,
  column: string,
  options: PartitionParseOptions = {},
): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof type !== 'string') throw bad(column, raw, 'complex types cannot be partition columns');
  switch (type) {
    case 'string':
      return raw;
    case 'long':
      return BigInt(raw);
    case 'integer':
    case 'short':
    case 'byte':
      return checkedNumber(raw, column);
    case 'float':
    case 'double':
      return Number(raw);
    case 'boolean':
      if (raw.toLowerCase() !== 'true' && raw.toLowerCase() !== 'false')
        throw bad(column, raw, 'not a boolean');
      return raw.toLowerCase() === 'true';
    case 'binary':
      return new TextEncoder().encode(raw);
    case 'date':
      return parseDateDays(raw, column);
    case 'timestamp':
    case 'timestamp_ntz':
      return parseTimestampMicros(raw, column, options.sessionTimeZone ?? 'UTC');
    default: {
      const dec = parseDecimal(type);
      if (!dec) throw bad(column, raw, `unsupported type ${type}`);
      return parseDecimalString(raw, dec.scale, column);
    }
  }
}

/** 'YYYY-MM-DD' → days since epoch. */
export function parseDateDays(raw: string, column = ''): number {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(raw.trim());
  if (!m) throw bad(column, raw, 'not a date');
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

/**
 * Accepts ISO-8601 with zone (`2024-06-15T19:30:45.123456Z`, `+01:00`) and Spark's legacy zone-less
 * `2021-09-08 11:11:11[.ffffff]`, read as wall time in `zoneForLegacy`, with microsecond precision.
 */
export function parseTimestampMicros(raw: string, column = '', zoneForLegacy = 'UTC'): bigint {
  const m =
    /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      raw.trim(),
    );
  if (!m) throw bad(column, raw, 'not a timestamp');
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const frac = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  let micros = BigInt(ms) * 1000n + BigInt(frac === '' ? 0 : Number(frac));
  const zone = m[8];
  if (!zone && zoneForLegacy !== 'UTC') {
    micros += BigInt(localToUtc(zoneForLegacy, ms) - ms) * 1000n;
  } else if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    micros -= BigInt(sign * offsetMin) * 60_000_000n;
  }
  return micros;
}

/** Decimal text → unscaled bigint at `scale`; refuses values that would lose digits. */
export function parseDecimalString(raw: string, scale: number, column = ''): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw bad(column, raw, 'not a decimal');
  let digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = -(m[3] ?? '').length + Number(m[4] ?? 0);
  // shift to the target scale
  const shift = exp + scale;
  if (shift >= 0) digits += '0'.repeat(shift);
  else {
    const cut = digits.slice(digits.length + shift);
    if (/[1-9]/.test(cut)) throw bad(column, raw, `more than ${scale} decimal places`);
    digits = digits.slice(0, digits.length + shift);
  }
  const v = BigInt(digits === '' || digits === '-' ? '0' : digits);
  return m[1] === '-' ? -v : v;
}

function checkedNumber(raw: string, column: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw bad(column, raw, 'not a number');
  return n;
}

function bad(column: string, raw: string, why: string): DeltaError {
  return new DeltaError('CorruptLog', `partition value ${JSON.stringify(raw)} of column ${column}: ${why}`);
}
