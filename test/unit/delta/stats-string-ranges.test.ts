/**
 * The Delta file stats of string columns may take the min/max the Parquet writer found for its footer
 * (writeParquetFile's stringRanges) instead of comparing every value again: the stats must be exactly
 * those computed from the values, over any strings (surrogates and U+E000.. included, where UTF-16
 * and UTF-8 order differ), nulls, several row groups, with and without dictionary pages.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { writeParquetFile } from '../../../shared/delta/parquet/parquet-writer.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { computeStats } from '../../../shared/delta/write/stats.js';

const STRING = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Few distinct values: dictionary pages; order traps between BMP-high and supplementary characters.
  fc.constantFrom('', 'a', 'ab', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}x', 'z'.repeat(40)),
  // Long values share a prefix (like raw JSON payloads): min/max are cut to 32 characters.
  fc.string({ maxLength: 8 }).map((s) => `{"schemaVersion":1,"eventId":"${s}"}`),
);

describe('string stats from the Parquet writer', () => {
  const schema = struct(
    field('a', 'string', true),
    field('n', 'long', true),
    field('s', struct(field('inner', 'string', true)), true),
    field('b', 'string', false),
  );

  test('equal the stats computed from the values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(STRING), STRING), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (rows, rowGroupRows, dictionary) => {
          const a = rows.map(([x]) => x);
          const b = rows.map(([, y]) => y);
          const n = rows.map((_, i) => (i % 3 === 0 ? null : BigInt(i)));
          const s = rows.map(([x], i) => (i % 2 ? null : { inner: x }));
          const columns = [a, n, s, b];
          const written = writeParquetFile(schema, columns, { rowGroupRows, dictionary });
          // Only top-level string columns with a value are handed out (not the nested one).
          const expectedKeys = [...(a.some((x) => x !== null) ? [0] : []), 3];
          expect([...written.stringRanges.keys()].sort()).toEqual(expectedKeys);
          const reused = computeStats(schema, columns, rows.length, 32, written.stringRanges);
          expect(reused).toEqual(computeStats(schema, columns, rows.length));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('the ranges are untruncated and span all row groups', () => {
    const long = (c: string) => `${'p'.repeat(50)}${c}`;
    const values = [long('m'), long('z'), '\uFFFF', long('a'), '\u{10000}'];
    const { stringRanges } = writeParquetFile(struct(field('v', 'string', false)), [values], {
      rowGroupRows: 2,
    });
    // U+10000 (4 UTF-8 bytes) sorts after U+FFFF although its first UTF-16 unit is smaller.
    expect(stringRanges.get(0)).toEqual({ min: long('a'), max: '\u{10000}' });
  });
});
