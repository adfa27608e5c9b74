/**
 * PLAIN encoding (parquet-format Encodings.md) of a range of physical values into a page buffer:
 * BOOLEAN bit-packed LSB first; INT32/INT64/FLOAT/DOUBLE little endian; BYTE_ARRAY as a 4-byte
 * little-endian length followed by the bytes; FIXED_LEN_BYTE_ARRAY as the bare bytes.
 *
 * Invariants:
 * - Fixed-width values are copied straight from their typed arrays, which requires a little-endian
 *   host (checked once at load; every platform Node ships for in practice is little endian).
 * - Strings are UTF-8 encoded in place with `Buffer#write` (no per-value allocation); byte-array
 *   min/max statistics are updated here because this is where each value's UTF-8 form is known.
 */
import type { ByteWriter } from './byte-writer.js';
import { StringMinMax, BinaryMinMax } from './byte-array-stats.js';
import { badValue, type PhysicalValues } from './physical-values.js';
import type { LeafColumn } from './parquet-schema.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('parquet writer: big-endian hosts are not supported');
}

type Utf8Writer = (buf: Buffer, s: string, offset: number) => number;

/**
 * `Buffer#utf8Write` (what `Buffer#write` calls after validating its arguments) measured 2x faster
 * than `write` on 300-byte strings; it is not in the typings, so use it only when present.
 */
const utf8Write: Utf8Writer =
  typeof (Buffer.prototype as unknown as { utf8Write?: unknown }).utf8Write === 'function'
    ? (buf, s, offset) =>
        (buf as unknown as { utf8Write(s: string, offset: number): number }).utf8Write(s, offset)
    : (buf, s, offset) => buf.write(s, offset);

export type ByteArrayStats = StringMinMax | BinaryMinMax;

export function newByteArrayStats(strings: boolean): ByteArrayStats {
  return strings ? new StringMinMax() : new BinaryMinMax();
}

export function writePlain(
  leaf: LeafColumn,
  v: PhysicalValues,
  from: number,
  to: number,
  out: ByteWriter,
  stats: ByteArrayStats | null,
): void {
  switch (v.kind) {
    case 'boolean':
      writeBooleans(v.data, from, to, out);
      return;
    case 'int32':
    case 'int64':
    case 'float':
    case 'double': {
      const w = v.data.BYTES_PER_ELEMENT;
      out.write(new Uint8Array(v.data.buffer, v.data.byteOffset + from * w, (to - from) * w));
      return;
    }
    case 'fixed':
      out.write(v.data.subarray(from * v.width, to * v.width));
      return;
    case 'bytes':
      // Byte-array values are a window of the caller's array: shift the range by its offset.
      if (v.strings)
        writeStrings(leaf, v.data, v.offset + from, v.offset + to, out, stats as StringMinMax | null);
      else writeBinaries(leaf, v.data, v.offset + from, v.offset + to, out, stats as BinaryMinMax | null);
      return;
  }
}

function writeBooleans(data: Uint8Array, from: number, to: number, out: ByteWriter): void {
  const n = to - from;
  out.ensure((n + 7) >>> 3);
  const b = out.bytes;
  let p = out.pos;
  for (let i = from; i < to; i += 8) {
    let byte = 0;
    const lim = i + 8 < to ? i + 8 : to;
    for (let k = i; k < lim; k++) byte |= (data[k] as number) << (k - i);
    b[p++] = byte;
  }
  out.pos = p;
}

function writeStrings(
  leaf: LeafColumn,
  data: ArrayLike<unknown>,
  from: number,
  to: number,
  out: ByteWriter,
  stats: StringMinMax | null,
): void {
  for (let i = from; i < to; i++) {
    const s = data[i];
    if (typeof s !== 'string') throw badValue(leaf, s, 'a string');
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    out.ensure(4 + s.length * 3);
    const b = out.bytes;
    const p = out.pos;
    const written = s.length === 0 ? 0 : utf8Write(b, s, p + 4);
    b[p] = written & 0xff;
    b[p + 1] = (written >>> 8) & 0xff;
    b[p + 2] = (written >>> 16) & 0xff;
    b[p + 3] = written >>> 24;
    out.pos = p + 4 + written;
    // UTF-8 length equals UTF-16 length exactly when the string is ASCII.
    if (stats) stats.update(s, written === s.length);
  }
}

function writeBinaries(
  leaf: LeafColumn,
  data: ArrayLike<unknown>,
  from: number,
  to: number,
  out: ByteWriter,
  stats: BinaryMinMax | null,
): void {
  for (let i = from; i < to; i++) {
    const v = data[i];
    if (!(v instanceof Uint8Array)) throw badValue(leaf, v, 'a Uint8Array');
    out.u32le(v.length);
    out.write(v);
    if (stats) stats.update(v);
  }
}
