/**
 * Rules every backend applies the same way, so one contract suite can hold them all to one behaviour.
 *
 * Invariants:
 * - Keys are ordered by Unicode code point, which is the UTF-8 byte order that Azure Blob Storage, S3
 *   and delta-rs list in. (JS `<` compares UTF-16 code units and disagrees for characters beyond U+FFFF.)
 * - An object whose last key segment looks like `.<name>.<anything>.tmp` is an in-flight temp file
 *   (our local-FS staging, and Delta-Spark's `HadoopFileSystemLogStore` on ADLS). `list` never reports
 *   one, so a crashed writer's leftover can never pass for a committed object.
 * - Keys are '/'-separated, non-empty segments, never '.', '..', a backslash or NUL: a key must name the
 *   same object on a filesystem and in a blob container, and must not escape a filesystem root.
 * - Ranges are half-open [start, end) and clamped to the object's size, like `Uint8Array.slice`.
 */
import { InvalidKeyError } from './store-error.js';

export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

export function isTempObjectKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Throws `InvalidKeyError` unless `key` names one object. */
export function checkKey(store: string, key: string): void {
  if (key.length === 0) throw new InvalidKeyError(store, key, 'key is empty');
  checkSegments(store, key, key.split('/'));
}

/**
 * Throws `InvalidKeyError` unless `prefix` is usable for `list`: '' or a key prefix whose complete
 * segments are valid (the last, partial segment may be anything a key segment may be, or empty).
 */
export function checkPrefix(store: string, prefix: string): void {
  if (prefix.length === 0) return;
  const segments = prefix.split('/');
  const last = segments.pop() ?? '';
  checkSegments(store, prefix, segments);
  if (last.includes('\\') || last.includes('\0')) {
    throw new InvalidKeyError(store, prefix, 'backslash or NUL in prefix');
  }
}

/** The slice [start, end) of an object of `size` bytes, clamped; throws `RangeError` on a malformed range. */
export function clampRange(
  store: string,
  key: string,
  start: number,
  end: number,
  size: number,
): { start: number; end: number } {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range [${start}, ${end}) for ${JSON.stringify(key)} in ${store}`);
  }
  return { start: Math.min(start, size), end: Math.min(end, size) };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Surrogates sort above U+E000..U+FFFF, so comparing ranks of code units gives code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function checkSegments(store: string, key: string, segments: string[]): void {
  if (key.startsWith('/')) throw new InvalidKeyError(store, key, "key starts with '/'");
  for (const segment of segments) {
    if (segment === '') throw new InvalidKeyError(store, key, 'empty path segment');
    if (segment === '.' || segment === '..') {
      throw new InvalidKeyError(store, key, `'${segment}' path segment`);
    }
    if (segment.includes('\\') || segment.includes('\0')) {
      throw new InvalidKeyError(store, key, 'backslash or NUL in key');
    }
  }
}
