/**
 * Dictionary encoding decision and construction for BYTE_ARRAY columns (strings, binary).
 *
 * A column chunk is dictionary encoded when its distinct values are few enough: the dictionary
 * must stay under `MAX_DICTIONARY_BYTES` (the dictionary page is a single page) and the estimated
 * dictionary + index size must beat PLAIN. Columns that look unique after `PROBE_VALUES` values
 * (ids; long ids already after `EARLY_PROBE_VALUES`) are abandoned early so they cost only a few
 * thousand map lookups; long values (JSON payloads, over `LONG_VALUE` characters on average) that
 * look unique after the first `FIRST_PROBE_VALUES` already, as hashing them is what costs.
 *
 * Invariants: `indices[i]` is the position in `entries` of value i; entries are in first-seen order
 * and pairwise distinct (strings by value, binary by bytes).
 */
import { badValue } from './physical-values.js';
import type { LeafColumn } from './parquet-schema.js';
import { bitWidthOf } from './rle-hybrid.js';
import { scratchInt32 } from './typed-scratch.js';

export const MAX_DICTIONARY_BYTES = 1 << 20;
const FIRST_PROBE_VALUES = 256;
const LONG_VALUE = 64;
const PROBE_VALUES = 8192;
const PROBE_MAX_DISTINCT_RATIO = 0.9;
/**
 * After this many values, a column of values of at least `EARLY_MIN_LENGTH` characters on average
 * with fewer than 1 % repeats is abandoned (ids: uuids, transaction ids). Fewer than ~10 repeats in
 * 1024 values means some 50k distinct values or more (values drawn at random: 20k distinct show
 * ~26), whose dictionary at that length would not fit the 1 MiB page anyway.
 */
const EARLY_PROBE_VALUES = 1024;
const EARLY_MAX_DISTINCT_RATIO = 0.99;
const EARLY_MIN_LENGTH = 20;

export interface Dictionary {
  indices: Int32Array;
  entries: unknown[];
  bitWidth: number;
}

/** Dictionary of data[offset, offset + n), or null when PLAIN is the better encoding. */
export function buildDictionary(
  leaf: LeafColumn,
  data: ArrayLike<unknown>,
  offset: number,
  n: number,
  strings: boolean,
): Dictionary | null {
  if (n === 0) return null;
  const ids = new Map<string, number>();
  const entries: unknown[] = [];
  const indices = scratchInt32('indices', n);
  let dictBytes = 0;
  let plainBytes = 0;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    let key: string;
    let len: number;
    if (strings) {
      if (typeof v !== 'string') throw badValue(leaf, v, 'a string');
      key = v;
      len = v.length;
    } else {
      if (!(v instanceof Uint8Array)) throw badValue(leaf, v, 'a Uint8Array');
      // latin1 maps bytes 1:1 to code units: a faithful string key for the bytes.
      key = Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1');
      len = v.length;
    }
    plainBytes += 4 + len;
    let id = ids.get(key);
    if (id === undefined) {
      id = entries.length;
      ids.set(key, id);
      entries.push(v);
      dictBytes += 4 + len;
      if (dictBytes > MAX_DICTIONARY_BYTES) return null;
    }
    indices[i] = id;
    if (
      (i === PROBE_VALUES - 1 ||
        (i === FIRST_PROBE_VALUES - 1 && plainBytes > FIRST_PROBE_VALUES * (4 + LONG_VALUE))) &&
      entries.length > (i + 1) * PROBE_MAX_DISTINCT_RATIO
    )
      return null;
    if (
      i === EARLY_PROBE_VALUES - 1 &&
      entries.length > EARLY_PROBE_VALUES * EARLY_MAX_DISTINCT_RATIO &&
      plainBytes >= EARLY_PROBE_VALUES * (4 + EARLY_MIN_LENGTH)
    )
      return null;
  }
  const bitWidth = Math.max(1, bitWidthOf(entries.length - 1));
  const dictCost = dictBytes + Math.ceil((n * bitWidth) / 8);
  if (dictCost >= plainBytes) return null;
  return { indices, entries, bitWidth };
}
