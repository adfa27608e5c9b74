/**
 * Snappy raw-block compressor (the format Parquet's SNAPPY codec uses: no framing, no CRC).
 *
 * Format (google/snappy format_description.txt): varint uncompressed length, then elements whose tag
 * byte's low 2 bits select: 00 literal (length-1 in the upper 6 bits, or 60..63 = 1..4 length bytes
 * follow), 01 copy with 11-bit offset and length 4..11, 10 copy with 16-bit offset and length 1..64.
 *
 * Strategy: greedy LZ77 over independent 64 KiB blocks (so every offset fits the 2-byte form) with a
 * 2^14-entry hash table of 4-byte sequences; after a run of misses the scan skips ahead faster, so
 * incompressible input (uuids) costs little. Matches are verified byte by byte, so stale or colliding
 * table entries only cost a miss, never a wrong copy.
 *
 * Invariant: `dst` has room for `maxCompressedLength(n)` bytes from `dstPos`.
 */

const BLOCK_SIZE = 1 << 16;
const HASH_BITS = 14;
const HASH_SHIFT = 32 - HASH_BITS;
/** Inputs shorter than this are emitted as one literal (no room for the scan's look-ahead). */
const MIN_BLOCK_TO_COMPRESS = 16;
/** The scan stops this many bytes before the block end: 4-byte loads and the hash look ahead. */
const INPUT_MARGIN = 15;

// Shared scratch: one compression at a time (JS is single-threaded and the compressor is sync).
// Entries are offsets inside a 64 KiB block, so 16 bits suffice: half the memory to clear per
// block and to keep in cache.
const table = new Uint16Array(1 << HASH_BITS);

export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** Compresses src[start, end) into dst at dstPos; returns the end position in dst. */
export function snappyCompress(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
): number {
  let op = dstPos;
  let n = end - start;
  while (n >= 0x80) {
    dst[op++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  dst[op++] = n;
  // Unaligned little-endian 4-byte loads through a DataView compile to single loads in V8; it is
  // passed down as an argument because a module-level mutable DataView defeats the optimizer.
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let blockStart = start; blockStart < end; blockStart += BLOCK_SIZE) {
    const blockEnd = Math.min(blockStart + BLOCK_SIZE, end);
    op = compressBlock(src, dv, blockStart, blockEnd, dst, op);
  }
  return op;
}

function hash(x: number): number {
  return Math.imul(x, 0x1e35a7bd) >>> HASH_SHIFT;
}

function compressBlock(
  src: Uint8Array,
  dv: DataView,
  start: number,
  end: number,
  dst: Uint8Array,
  op: number,
): number {
  if (end - start < MIN_BLOCK_TO_COMPRESS) return emitLiteral(src, start, end, dst, op);
  // Entries are offsets from `start`; 0 (the fill value) points at the block start, which is a
  // legal earlier position for any ip > start, and every candidate is verified anyway.
  table.fill(0);
  const ipLimit = end - INPUT_MARGIN;
  let nextEmit = start;
  let ip = start + 1;
  let nextHash = hash(dv.getInt32(ip, true));

  outer: for (;;) {
    // Find a 4-byte match, skipping faster the longer we go without one.
    let skip = 32;
    let nextIp = ip;
    let candidate = 0;
    for (;;) {
      ip = nextIp;
      const h = nextHash;
      nextIp = ip + (skip >>> 5);
      skip++;
      if (nextIp > ipLimit) break outer;
      nextHash = hash(dv.getInt32(nextIp, true));
      candidate = start + (table[h] as number);
      table[h] = ip - start;
      if (dv.getInt32(ip, true) === dv.getInt32(candidate, true)) break;
    }
    op = emitLiteral(src, nextEmit, ip, dst, op);

    // Emit copies for as long as the position right after a copy starts another match.
    for (;;) {
      let a = ip + 4;
      let b = candidate + 4;
      for (;;) {
        if (a + 4 > end) {
          while (a < end && src[a] === src[b]) {
            a++;
            b++;
          }
          break;
        }
        // Compare 4 bytes at once; on a mismatch the lowest set bit of the xor is the first
        // differing byte (little-endian loads).
        const x = dv.getInt32(a, true) ^ dv.getInt32(b, true);
        if (x !== 0) {
          a += (31 - Math.clz32(x & -x)) >>> 3;
          break;
        }
        a += 4;
        b += 4;
      }
      op = emitCopy(dst, op, ip - candidate, a - ip);
      ip = a;
      nextEmit = ip;
      if (ip >= ipLimit) break outer;
      table[hash(dv.getInt32(ip - 1, true))] = ip - 1 - start;
      const h = hash(dv.getInt32(ip, true));
      candidate = start + (table[h] as number);
      table[h] = ip - start;
      if (dv.getInt32(ip, true) !== dv.getInt32(candidate, true)) break;
    }
    ip++;
    nextHash = hash(dv.getInt32(ip, true));
  }
  if (nextEmit < end) op = emitLiteral(src, nextEmit, end, dst, op);
  return op;
}

function emitLiteral(src: Uint8Array, from: number, to: number, dst: Uint8Array, op: number): number {
  const n = to - from;
  if (n === 0) return op;
  const l = n - 1;
  if (l < 60) {
    dst[op++] = l << 2;
  } else if (l < 0x100) {
    dst[op++] = 60 << 2;
    dst[op++] = l;
  } else if (l < 0x10000) {
    dst[op++] = 61 << 2;
    dst[op++] = l & 0xff;
    dst[op++] = l >>> 8;
  } else if (l < 0x1000000) {
    dst[op++] = 62 << 2;
    dst[op++] = l & 0xff;
    dst[op++] = (l >>> 8) & 0xff;
    dst[op++] = l >>> 16;
  } else {
    dst[op++] = 63 << 2;
    dst[op++] = l & 0xff;
    dst[op++] = (l >>> 8) & 0xff;
    dst[op++] = (l >>> 16) & 0xff;
    dst[op++] = l >>> 24;
  }
  if (n < 32) {
    // A native copy has a fixed cost that only pays off for longer literals.
    for (let i = from; i < to; i++) dst[op++] = src[i] as number;
    return op;
  }
  dst.set(src.subarray(from, to), op);
  return op + n;
}

function emitCopy(dst: Uint8Array, op: number, offset: number, len: number): number {
  // 64 is the longest 2-byte-offset copy; keep >= 4 bytes for the tail copy.
  while (len >= 68) {
    dst[op++] = 2 | (63 << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    dst[op++] = 2 | (59 << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    dst[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    dst[op++] = offset & 0xff;
  } else {
    dst[op++] = 2 | ((len - 1) << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
  }
  return op;
}
