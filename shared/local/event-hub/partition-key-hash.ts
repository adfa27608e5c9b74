/**
 * Partition for a partition key, the way the Event Hubs client's partition resolver computes it:
 * Bob Jenkins' lookup3 `hashlittle2` over the UTF-8 bytes of the upper-cased key (both seeds 0), the
 * two 32-bit results XOR-ed and truncated to a signed 16-bit value, then |hash mod partitionCount|.
 * The same key therefore always lands on the same partition for a given partition count.
 */
export function partitionForKey(partitionKey: string, partitionCount: number): number {
  const [c, b] = hashLittle2(Buffer.from(partitionKey.toUpperCase(), 'utf8'));
  const short = ((c ^ b) << 16) >> 16;
  return Math.abs(short % partitionCount);
}

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** lookup3 hashlittle2 with seeds (0, 0); returns [c, b] as unsigned 32-bit integers. */
export function hashLittle2(bytes: Uint8Array): [number, number] {
  let length = bytes.length;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  const word = (at: number): number =>
    ((bytes[at] ?? 0) |
      ((bytes[at + 1] ?? 0) << 8) |
      ((bytes[at + 2] ?? 0) << 16) |
      ((bytes[at + 3] ?? 0) << 24)) >>>
    0;
  while (length > 12) {
    a = (a + word(i)) >>> 0;
    b = (b + word(i + 4)) >>> 0;
    c = (c + word(i + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return [c, b];
  // The tail: up to 12 remaining bytes, zero-padded, added little-endian into a, b, c.
  const tail = new Uint8Array(12);
  tail.set(bytes.subarray(i, i + length));
  const tailWord = (at: number): number =>
    ((tail[at] ?? 0) |
      ((tail[at + 1] ?? 0) << 8) |
      ((tail[at + 2] ?? 0) << 16) |
      ((tail[at + 3] ?? 0) << 24)) >>>
    0;
  a = (a + tailWord(0)) >>> 0;
  if (length > 4) b = (b + tailWord(4)) >>> 0;
  if (length > 8) c = (c + tailWord(8)) >>> 0;
  // final(a, b, c)
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return [c, b];
}
