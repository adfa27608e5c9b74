/**
 * A growable little-endian byte buffer: the one sink every Parquet encoder writes into.
 *
 * Invariants:
 * - `bytes.subarray(0, pos)` is the written content; bytes past `pos` are scratch.
 * - Callers that write byte-by-byte into `bytes` directly (hot loops) must call `ensure(n)` first;
 *   `ensure` may replace `bytes`, so re-read it after every `ensure`.
 * - The backing store is a Node `Buffer` so strings can be UTF-8 encoded in place with
 *   `Buffer#write` (no per-value allocation; measured faster than `TextEncoder.encodeInto`, which
 *   needs a `subarray` view per call). It is never a slice of Node's shared small-buffer pool
 *   (`allocUnsafeSlow`), so a view of it handed to a caller exposes no unrelated bytes.
 */
export class ByteWriter {
  bytes: Buffer;
  pos = 0;

  constructor(initialCapacity = 1024) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(16, initialCapacity));
  }

  /** Makes room for `n` more bytes after `pos`. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.bytes.length) return;
    // Grow by 1.5x (not 2x): large writers hold hundreds of MiB and fresh pages are not free.
    let cap = this.bytes.length + (this.bytes.length >>> 1);
    if (cap < need) cap = need;
    const next = Buffer.allocUnsafeSlow(cap);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  reset(): void {
    this.pos = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  u32le(v: number): void {
    this.ensure(4);
    this.bytes.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Unsigned LEB128 varint of a non-negative safe integer. */
  uvarint(v: number): void {
    this.ensure(10);
    const b = this.bytes;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  write(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.pos);
    this.pos += src.length;
  }

  /** The written bytes as a view (no copy); invalidated by the next write that grows the buffer. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}
