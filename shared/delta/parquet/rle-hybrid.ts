/**
 * The RLE / bit-packed hybrid encoding (parquet-format Encodings.md, "RLE = 3"), used for
 * definition/repetition levels, dictionary indices and nothing else here.
 *
 *   run            := rle-run | bit-packed-run
 *   rle-run        := varint(count << 1)  value in ceil(bitWidth/8) bytes, little endian
 *   bit-packed-run := varint(groups << 1 | 1)  groups*8 values, bitWidth bits each, LSB first
 *
 * Strategy: a value repeated >= 8 times becomes an RLE run; everything else goes into bit-packed
 * runs of up to 63 groups (a one-byte header). The last bit-packed group may be padded with zeros:
 * readers stop after the page's value count, as the spec requires.
 *
 * Invariant: every value is < 2^bitWidth and bitWidth <= 24 (levels are tiny; the dictionary byte
 * limit keeps indices far below 2^24).
 */
import type { ByteWriter } from './byte-writer.js';

/** Bits needed to represent `maxValue` (0 for 0). */
export function bitWidthOf(maxValue: number): number {
  return maxValue === 0 ? 0 : 32 - Math.clz32(maxValue);
}

const MIN_RLE_RUN = 8;
const MAX_GROUPS = 63;

export function encodeRleHybrid(
  values: Uint8Array | Int32Array,
  start: number,
  end: number,
  bitWidth: number,
  out: ByteWriter,
): void {
  if (bitWidth > 24) throw new RangeError(`RLE hybrid bit width ${bitWidth} > 24 is not supported`);
  const byteWidth = (bitWidth + 7) >>> 3;
  let i = start;
  while (i < end) {
    const v = values[i] as number;
    let j = i + 1;
    while (j < end && values[j] === v) j++;
    if (j - i >= MIN_RLE_RUN) {
      out.uvarint((j - i) * 2);
      out.ensure(4);
      const b = out.bytes;
      let p = out.pos;
      for (let k = 0; k < byteWidth; k++) b[p++] = (v >>> (8 * k)) & 0xff;
      out.pos = p;
      i = j;
      continue;
    }
    // Bit-packed: take whole groups of 8 until the next group boundary starts a long run.
    const groupStart = i;
    let groups = 0;
    for (;;) {
      i += 8;
      groups++;
      if (i >= end || groups === MAX_GROUPS) break;
      const w = values[i];
      const lim = i + MIN_RLE_RUN < end ? i + MIN_RLE_RUN : end;
      let k = i + 1;
      while (k < lim && values[k] === w) k++;
      if (k - i >= MIN_RLE_RUN) break;
    }
    out.u8((groups << 1) | 1); // groups <= 63: the varint is one byte
    packBits(values, groupStart, groupStart + groups * 8, end, bitWidth, out);
    if (i > end) i = end;
  }
}

/** Packs values[from, to) LSB-first; positions >= `end` are written as 0 (padding). */
function packBits(
  values: Uint8Array | Int32Array,
  from: number,
  to: number,
  end: number,
  bitWidth: number,
  out: ByteWriter,
): void {
  out.ensure(((to - from) * bitWidth) >>> 3);
  const b = out.bytes;
  let p = out.pos;
  if (bitWidth === 1) {
    // Levels of a nullable flat column: one byte per 8 values, no accumulator needed.
    for (let i = from; i < to; i += 8) {
      let byte = 0;
      const lim = to < end ? to : end;
      for (let k = 0; k < 8 && i + k < lim; k++) byte |= (values[i + k] as number) << k;
      b[p++] = byte;
    }
    out.pos = p;
    return;
  }
  let acc = 0;
  let bits = 0;
  for (let i = from; i < to; i++) {
    const v = i < end ? (values[i] as number) : 0;
    acc |= v << bits;
    bits += bitWidth;
    while (bits >= 8) {
      b[p++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  // groups of 8 values always end on a byte boundary (8 * bitWidth bits)
  out.pos = p;
}
