/**
 * The fixed `lakehouse table scan` output format (ARCHITECTURE.md §3.3): one JSON object per row;
 * numbers as JSON numbers (longs exact), decimals as strings with their scale, timestamps ISO-8601 UTC
 * with microseconds, dates YYYY-MM-DD, binary base64, structs/arrays/maps as JSON.
 */
import type { DataType, StructType } from '../protocol/schema.js';
import { parseDecimal } from '../protocol/schema.js';

export function rowToJson(row: Record<string, unknown>, schema: StructType): string {
  return structToJson(row, schema);
}

function structToJson(value: Record<string, unknown>, type: StructType): string {
  const parts: string[] = [];
  for (const f of type.fields) {
    if (!(f.name in value)) continue;
    parts.push(`${JSON.stringify(f.name)}:${valueToJson(value[f.name], f.type)}`);
  }
  return `{${parts.join(',')}}`;
}

export function valueToJson(value: unknown, type: DataType): string {
  if (value === null || value === undefined) return 'null';
  if (typeof type !== 'string') {
    switch (type.type) {
      case 'struct':
        return structToJson(value as Record<string, unknown>, type);
      case 'array':
        return `[${(value as unknown[]).map((v) => valueToJson(v, type.elementType)).join(',')}]`;
      case 'map': {
        const entries = value instanceof Map ? [...value] : Object.entries(value);
        return `{${entries.map(([k, v]) => `${JSON.stringify(mapKeyText(k, type.keyType))}:${valueToJson(v, type.valueType)}`).join(',')}}`;
      }
    }
  }
  switch (type) {
    case 'string':
      return JSON.stringify(value);
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return (value as number | bigint).toString();
    case 'double':
      return numberToJson(value as number);
    case 'float':
      return numberToJson(shortestFloat32(value as number));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'binary':
      return JSON.stringify(Buffer.from(value as Uint8Array).toString('base64'));
    case 'date':
      return JSON.stringify(formatDate(value as number));
    case 'timestamp':
    case 'timestamp_ntz':
      return JSON.stringify(formatTimestampMicros(value as bigint));
    default: {
      const dec = parseDecimal(type);
      if (dec) return JSON.stringify(formatDecimal(value as bigint, dec.scale));
      return JSON.stringify((value as string | number).toString());
    }
  }
}

/** Map keys print as the text of their scan value: strings raw, dates/decimals/timestamps formatted. */
function mapKeyText(key: unknown, keyType: DataType): string {
  const json = valueToJson(key, keyType);
  return json.startsWith('"') ? (JSON.parse(json) as string) : json;
}

function numberToJson(n: number): string {
  if (Number.isNaN(n)) return '"NaN"';
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  return JSON.stringify(n);
}

/** The shortest decimal that reads back as the same float32 (what Spark prints for a FloatType). */
function shortestFloat32(n: number): number {
  if (!Number.isFinite(n)) return n;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(n.toPrecision(p));
    if (Math.fround(candidate) === n) return candidate;
  }
  return n;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  digits = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function formatTimestampMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = Number(micros - ms * 1000n);
  const d = new Date(Number(ms));
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  const frac = String(d.getUTCMilliseconds()).padStart(3, '0') + String(sub).padStart(3, '0');
  return `${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${frac}Z`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
