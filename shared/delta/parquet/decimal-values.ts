/**
 * DECIMAL leaf values to their Parquet storage (see physical-values.ts for the shared invariants):
 * precision ≤ 9 as INT32, > 18 as big-endian two's complement FIXED_LEN_BYTE_ARRAY of the minimal
 * width (precision 10–18 is INT64, handled with the other 64-bit integers). Every value is a bigint
 * unscaled decimal within the precision; anything else throws.
 */
import type { LeafColumn } from './parquet-schema.js';
import { badValue, type PhysicalColumn } from './physical-values.js';
import { int32Bytes, int32Range } from './value-ranges.js';
import { scratchInt32, scratchUint8 } from './typed-scratch.js';

export function toDecimal32(
  leaf: LeafColumn,
  values: ArrayLike<unknown>,
  offset: number,
  n: number,
): PhysicalColumn {
  const bound = 10n ** BigInt(leaf.precision) - 1n;
  const data = scratchInt32('values', n);
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    if (typeof v !== 'bigint' || v > bound || v < -bound) {
      throw badValue(leaf, v, `a bigint unscaled decimal(${leaf.precision},${leaf.scale})`);
    }
    data[i] = Number(v);
  }
  if (n === 0) return { values: { kind: 'int32', data } };
  const { min, max } = int32Range(data, n);
  return { values: { kind: 'int32', data }, min: int32Bytes(min), max: int32Bytes(max) };
}

export function toDecimalFixed(
  leaf: LeafColumn,
  values: ArrayLike<unknown>,
  offset: number,
  n: number,
): PhysicalColumn {
  const width = leaf.typeLength;
  const bound = 10n ** BigInt(leaf.precision) - 1n;
  const data = scratchUint8('values', n * width);
  const tmp = new DataView(new ArrayBuffer(16));
  const tmpBytes = new Uint8Array(tmp.buffer);
  let min = 0n;
  let max = 0n;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    if (typeof v !== 'bigint' || v > bound || v < -bound) {
      throw badValue(leaf, v, `a bigint unscaled decimal(${leaf.precision},${leaf.scale})`);
    }
    if (i === 0 || v < min) min = v;
    if (i === 0 || v > max) max = v;
    writeFixed(v, tmp);
    data.set(tmpBytes.subarray(16 - width), i * width);
  }
  const out: PhysicalColumn = { values: { kind: 'fixed', data, width } };
  if (n > 0) {
    writeFixed(min, tmp);
    out.min = tmpBytes.slice(16 - width);
    writeFixed(max, tmp);
    out.max = tmpBytes.slice(16 - width);
  }
  return out;
}

/** Big-endian 128-bit two's complement of v into the 16-byte `tmp`. */
function writeFixed(v: bigint, tmp: DataView): void {
  // |v| < 10^38 < 2^127, so 128-bit two's complement is exact and its low `width` bytes are the
  // minimal encoding chosen by decimalByteWidth (sign bits above them are redundant).
  tmp.setBigInt64(0, BigInt.asIntN(64, v >> 64n), false);
  tmp.setBigUint64(8, BigInt.asUintN(64, v), false);
}
