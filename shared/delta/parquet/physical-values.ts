/**
 * Converts the non-null leaf values of a column (value model of protocol/schema.ts) into the
 * storage of its Parquet physical type, validating every value, and computes min/max statistics for
 * the fixed-width types (byte arrays get theirs while being encoded, see byte-array-stats.ts).
 *
 * Invariants:
 * - A value that does not fit its type throws (wrong JS type, non-integer, out of range, decimal
 *   with more digits than its precision); nothing is silently wrapped or rounded.
 * - Statistics use the type's sort order: signed for INT32/INT64 and every DECIMAL (two's
 *   complement, so FIXED_LEN_BYTE_ARRAY decimals compare by value), IEEE order without NaN for
 *   floats (all-NaN → no min/max; a zero min is written as -0, a zero max as +0, per the spec).
 * - min/max are PLAIN-encoded (little endian), FIXED_LEN_BYTE_ARRAY as its big-endian bytes.
 * - Converted arrays live in the 'values' scratch (typed-scratch.ts): valid until the next column.
 */
import type { LeafColumn } from './parquet-schema.js';
import {
  scratchBigInt64,
  scratchFloat32,
  scratchFloat64,
  scratchInt32,
  scratchUint8,
} from './typed-scratch.js';
import { toDecimal32, toDecimalFixed } from './decimal-values.js';
import { floatMinMax, int32Bytes, int32Range, int64Bytes, int64RangeIndex } from './value-ranges.js';

export type PhysicalValues =
  | { kind: 'boolean'; data: Uint8Array }
  | { kind: 'int32'; data: Int32Array }
  | { kind: 'int64'; data: BigInt64Array }
  | { kind: 'float'; data: Float32Array }
  | { kind: 'double'; data: Float64Array }
  | { kind: 'bytes'; data: ArrayLike<unknown>; offset: number; strings: boolean }
  | { kind: 'fixed'; data: Uint8Array; width: number };

export interface PhysicalColumn {
  values: PhysicalValues;
  min?: Uint8Array;
  max?: Uint8Array;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Converts values[offset, offset + n). */
export function toPhysical(
  leaf: LeafColumn,
  values: ArrayLike<unknown>,
  offset: number,
  n: number,
): PhysicalColumn {
  switch (leaf.kind) {
    case 'string':
    case 'binary':
      return { values: { kind: 'bytes', data: values, offset, strings: leaf.kind === 'string' } };
    case 'boolean':
      return toBoolean(leaf, values, offset, n);
    case 'int32':
    case 'date':
      return toInt32(leaf, values, offset, n, -0x80000000, 0x7fffffff);
    case 'int16':
      return toInt32(leaf, values, offset, n, -0x8000, 0x7fff);
    case 'int8':
      return toInt32(leaf, values, offset, n, -0x80, 0x7f);
    case 'decimal32':
      return toDecimal32(leaf, values, offset, n);
    case 'int64':
    case 'timestamp':
      return toInt64(leaf, values, offset, n, INT64_MIN, INT64_MAX);
    case 'decimal64': {
      const bound = 10n ** BigInt(leaf.precision) - 1n;
      return toInt64(leaf, values, offset, n, -bound, bound);
    }
    case 'decimalFixed':
      return toDecimalFixed(leaf, values, offset, n);
    case 'float':
      return toFloat(leaf, values, offset, n);
    case 'double':
      return toDouble(leaf, values, offset, n);
  }
}

export function badValue(leaf: LeafColumn, v: unknown, expected: string): Error {
  const shown =
    typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v);
  return new Error(`parquet: column ${leaf.displayName}: expected ${expected}, got ${typeof v} ${shown}`);
}

function toBoolean(leaf: LeafColumn, values: ArrayLike<unknown>, offset: number, n: number): PhysicalColumn {
  const data = scratchUint8('values', n);
  let seen = 0; // bit 0: saw false, bit 1: saw true
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    if (v === true) {
      data[i] = 1;
      seen |= 2;
    } else if (v === false) {
      data[i] = 0;
      seen |= 1;
    } else {
      throw badValue(leaf, v, 'a boolean');
    }
  }
  const out: PhysicalColumn = { values: { kind: 'boolean', data } };
  if (n > 0) {
    out.min = Uint8Array.of(seen & 1 ? 0 : 1);
    out.max = Uint8Array.of(seen & 2 ? 1 : 0);
  }
  return out;
}

function toInt32(
  leaf: LeafColumn,
  values: ArrayLike<unknown>,
  offset: number,
  n: number,
  lo: number,
  hi: number,
): PhysicalColumn {
  let data: Int32Array;
  if (values instanceof Int32Array) {
    data = values.subarray(offset, offset + n);
  } else if (values instanceof Int16Array || values instanceof Int8Array) {
    data = Int32Array.from(values.subarray(offset, offset + n));
  } else if (ArrayBuffer.isView(values)) {
    throw badValue(leaf, values, 'numbers (or an Int32Array)');
  } else {
    data = scratchInt32('values', n);
    for (let i = 0; i < n; i++) {
      const v = values[offset + i];
      // (v | 0) === v accepts exactly the 32-bit integers (and -0).
      if (typeof v !== 'number' || (v | 0) !== v) throw badValue(leaf, v, 'a 32-bit integer');
      data[i] = v;
    }
  }
  if (n === 0) return { values: { kind: 'int32', data } };
  const { min, max } = int32Range(data, n);
  if (min < lo || max > hi) throw badValue(leaf, min < lo ? min : max, `an integer in [${lo}, ${hi}]`);
  return { values: { kind: 'int32', data }, min: int32Bytes(min), max: int32Bytes(max) };
}

function toInt64(
  leaf: LeafColumn,
  values: ArrayLike<unknown>,
  offset: number,
  n: number,
  lo: bigint,
  hi: bigint,
): PhysicalColumn {
  let data: BigInt64Array;
  let min: bigint;
  let max: bigint;
  if (values instanceof BigInt64Array) {
    data = values.subarray(offset, offset + n);
    if (n === 0) return { values: { kind: 'int64', data } };
    const at = int64RangeIndex(data);
    min = data[at.min] as bigint;
    max = data[at.max] as bigint;
  } else if (ArrayBuffer.isView(values)) {
    throw badValue(leaf, values, 'bigints (or a BigInt64Array)');
  } else {
    data = scratchBigInt64('values', n);
    if (n === 0) return { values: { kind: 'int64', data } };
    const first = values[offset];
    if (typeof first !== 'bigint') throw badValue(leaf, first, 'a bigint');
    min = max = first;
    for (let i = 0; i < n; i++) {
      const v = values[offset + i];
      if (typeof v !== 'bigint') throw badValue(leaf, v, 'a bigint');
      // min/max are taken before the store, so out-of-range values are caught below, not wrapped.
      if (v < min) min = v;
      else if (v > max) max = v;
      data[i] = v;
    }
  }
  if (min < lo || max > hi) throw badValue(leaf, min < lo ? min : max, `a bigint in [${lo}, ${hi}]`);
  return { values: { kind: 'int64', data }, min: int64Bytes(min), max: int64Bytes(max) };
}

function toFloat(leaf: LeafColumn, values: ArrayLike<unknown>, offset: number, n: number): PhysicalColumn {
  let data: Float32Array;
  if (values instanceof Float32Array) {
    data = values.subarray(offset, offset + n);
  } else if (ArrayBuffer.isView(values)) {
    throw badValue(leaf, values, 'numbers (or a Float32Array)');
  } else {
    data = scratchFloat32('values', n);
    for (let i = 0; i < n; i++) {
      const v = values[offset + i];
      if (typeof v !== 'number') throw badValue(leaf, v, 'a number');
      data[i] = v;
    }
  }
  const out: PhysicalColumn = { values: { kind: 'float', data } };
  const mm = floatMinMax(data, n);
  if (mm) {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat32(0, mm[0], true);
    dv.setFloat32(4, mm[1], true);
    out.min = new Uint8Array(dv.buffer.slice(0, 4));
    out.max = new Uint8Array(dv.buffer.slice(4, 8));
  }
  return out;
}

function toDouble(leaf: LeafColumn, values: ArrayLike<unknown>, offset: number, n: number): PhysicalColumn {
  let data: Float64Array;
  if (values instanceof Float64Array) {
    data = values.subarray(offset, offset + n);
  } else if (ArrayBuffer.isView(values)) {
    throw badValue(leaf, values, 'numbers (or a Float64Array)');
  } else {
    data = scratchFloat64('values', n);
    for (let i = 0; i < n; i++) {
      const v = values[offset + i];
      if (typeof v !== 'number') throw badValue(leaf, v, 'a number');
      data[i] = v;
    }
  }
  const out: PhysicalColumn = { values: { kind: 'double', data } };
  const mm = floatMinMax(data, n);
  if (mm) {
    const dv = new DataView(new ArrayBuffer(16));
    dv.setFloat64(0, mm[0], true);
    dv.setFloat64(8, mm[1], true);
    out.min = new Uint8Array(dv.buffer.slice(0, 8));
    out.max = new Uint8Array(dv.buffer.slice(8, 16));
  }
  return out;
}
