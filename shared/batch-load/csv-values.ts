/**
 * Text → value-model conversions for CSV cells (shared/delta/protocol/schema.ts): exact decimals as
 * unscaled bigints parsed from the digits (never through a float), dates as days since the epoch,
 * integers range-checked against their Delta type. An empty cell is null; required columns are
 * checked by the caller.
 *
 * Accepted spellings (strict on purpose, so a file either means one thing or is quarantined):
 * - integer/long: optional '-', ASCII digits ("+1", "1.0", "1e3", " 1" are rejected);
 * - decimal(p,s): optional '-', digits, optionally '.' and digits; fraction digits beyond s must be
 *   zeros ("6.980" is 6.98 in decimal(18,2); "6.985" is rejected, never rounded);
 * - date: YYYY-MM-DD, a real calendar day; boolean: true|false, any case.
 */
import type { DataType } from '../delta/protocol/schema.js';
import { parseDecimal } from '../delta/protocol/schema.js';
import type { BatchRejection } from './batch-reason-codes.js';

export type CellResult = { ok: true; value: unknown } | { ok: false; rejection: BatchRejection };

/** Converts one non-empty cell of column `name` to the value model of `type`. */
export function parseCell(name: string, type: DataType, text: string): CellResult {
  const decimal = parseDecimal(type);
  if (decimal) return parseDecimalCell(name, text, decimal.precision, decimal.scale);
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'integer':
      return parseIntegerCell(name, text, INT32);
    case 'long':
      return parseIntegerCell(name, text, INT64);
    case 'date':
      return parseDateCell(name, text);
    case 'boolean':
      return parseBooleanCell(name, text);
    default:
      throw new Error(`column ${name}: type ${JSON.stringify(type)} has no CSV reading`);
  }
}

const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n, asNumber: true };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n, asNumber: false };
const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function parseIntegerCell(name: string, text: string, range: typeof INT32): CellResult {
  if (!INTEGER_TEXT.test(text)) return reject('invalid_integer', `${name}: ${quote(text)} is not an integer`);
  const value = BigInt(text);
  if (value < range.min || value > range.max)
    return reject('out_of_range', `${name}: ${text} is outside the column's integer range`);
  return { ok: true, value: range.asNumber ? Number(value) : value };
}

function parseDecimalCell(name: string, text: string, precision: number, scale: number): CellResult {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return reject('invalid_decimal', `${name}: ${quote(text)} is not a decimal number`);
  const [, sign = '', whole = '', fraction = ''] = m;
  const kept = fraction.slice(0, scale);
  if (/[^0]/.test(fraction.slice(scale))) {
    return reject('invalid_decimal', `${name}: ${text} has more than ${scale} fraction digits`);
  }
  const unscaled = BigInt(`${sign}${whole}${kept.padEnd(scale, '0')}`);
  const limit = 10n ** BigInt(precision);
  if (unscaled >= limit || unscaled <= -limit)
    return reject('out_of_range', `${name}: ${text} does not fit decimal(${precision},${scale})`);
  return { ok: true, value: unscaled };
}

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date, or undefined when it is not one. */
export function epochDay(text: string): number | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return Math.round(date.getTime() / DAY_MS);
}

function parseDateCell(name: string, text: string): CellResult {
  const days = epochDay(text);
  return days === undefined
    ? reject('invalid_date', `${name}: ${quote(text)} is not a YYYY-MM-DD calendar date`)
    : { ok: true, value: days };
}

function parseBooleanCell(name: string, text: string): CellResult {
  const lower = text.toLowerCase();
  if (lower === 'true') return { ok: true, value: true };
  if (lower === 'false') return { ok: true, value: false };
  return reject('invalid_boolean', `${name}: ${quote(text)} is not true or false`);
}

function reject(code: BatchRejection['code'], message: string): CellResult {
  return { ok: false, rejection: { code, message } };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
