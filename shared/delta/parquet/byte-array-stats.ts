/**
 * Min/max statistics of BYTE_ARRAY columns (strings and binary).
 *
 * Invariants:
 * - Order is unsigned bytewise over the UTF-8 encoding (Parquet's sort order for STRING and
 *   BYTE_ARRAY). JS `<` compares UTF-16 code units, which agrees with UTF-8 byte order except when
 *   the first difference is a surrogate vs a code unit in U+E000..U+FFFF; the comparison corrects
 *   for that, and ASCII values (the common case) take the native comparison.
 * - Bounds longer than `MAX_STAT_BYTES` are truncated to valid bounds (min: a prefix; max: a prefix
 *   whose last ASCII/non-0xff byte is incremented) and flagged inexact, so a 300-byte JSON payload
 *   column does not bloat the footer. Truncated strings stay valid UTF-8.
 */

export const MAX_STAT_BYTES = 128;

export interface ByteArrayBounds {
  min: Uint8Array;
  max: Uint8Array;
  minExact: boolean;
  maxExact: boolean;
}

/** The smallest and largest string of a column in UTF-8 byte order, untruncated. */
export interface StringRange {
  min: string;
  max: string;
}

export class StringMinMax {
  private min: string | undefined;
  private max: string | undefined;

  /** `ascii`: the caller knows `s` is pure ASCII (its UTF-8 length equals its length). */
  update(s: string, ascii: boolean): void {
    const min = this.min;
    if (min === undefined) {
      this.min = this.max = s;
      return;
    }
    if (ascii ? s < min : compareUtf8(s, min) < 0) this.min = s;
    else if (ascii ? s > (this.max as string) : compareUtf8(s, this.max as string) > 0) this.max = s;
  }

  bounds(): ByteArrayBounds | undefined {
    if (this.min === undefined || this.max === undefined) return undefined;
    return truncateBounds(Buffer.from(this.min, 'utf8'), Buffer.from(this.max, 'utf8'), true);
  }

  range(): StringRange | undefined {
    return this.min === undefined || this.max === undefined ? undefined : { min: this.min, max: this.max };
  }
}

/** The range covering both (either may be undefined: no values). */
export function unionRange(a: StringRange | undefined, b: StringRange | undefined): StringRange | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return {
    min: compareUtf8(b.min, a.min) < 0 ? b.min : a.min,
    max: compareUtf8(b.max, a.max) > 0 ? b.max : a.max,
  };
}

export class BinaryMinMax {
  private min: Uint8Array | undefined;
  private max: Uint8Array | undefined;

  update(b: Uint8Array): void {
    if (this.min === undefined || this.max === undefined) {
      this.min = this.max = b;
      return;
    }
    if (Buffer.compare(b, this.min) < 0) this.min = b;
    else if (Buffer.compare(b, this.max) > 0) this.max = b;
  }

  bounds(): ByteArrayBounds | undefined {
    if (this.min === undefined || this.max === undefined) return undefined;
    return truncateBounds(this.min.slice(), this.max.slice(), false);
  }
}

/** Compares two JS strings in the byte order of their UTF-8 encodings. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return utf8Rank(x) - utf8Rank(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Surrogates (4-byte UTF-8 sequences) sort after U+E000..U+FFFF (3-byte sequences). */
function utf8Rank(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

function truncateBounds(min: Uint8Array, max: Uint8Array, utf8: boolean): ByteArrayBounds {
  let minOut = min;
  let minExact = true;
  if (min.length > MAX_STAT_BYTES) {
    minOut = min.slice(0, utf8 ? charBoundary(min, MAX_STAT_BYTES) : MAX_STAT_BYTES);
    minExact = false;
  }
  let maxOut = max;
  let maxExact = true;
  if (max.length > MAX_STAT_BYTES) {
    const end = utf8 ? charBoundary(max, MAX_STAT_BYTES) : MAX_STAT_BYTES;
    const limit = utf8 ? 0x7f : 0xff;
    for (let i = end - 1; i >= 0; i--) {
      const b = max[i] as number;
      if (b < limit) {
        maxOut = max.slice(0, i + 1);
        maxOut[i] = b + 1;
        maxExact = false;
        break;
      }
    }
  }
  return { min: minOut, max: maxOut, minExact, maxExact };
}

/** The largest index <= limit that starts a UTF-8 character. */
function charBoundary(bytes: Uint8Array, limit: number): number {
  let i = limit;
  while (i > 0 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
  return i;
}
