/**
 * File statistics over typed columns (the fast path RowBuffer's BigInt64Arrays take) must equal the
 * statistics of the same values as a plain array — Delta stats and Parquet chunk bounds — and string
 * bounds must follow code-point order.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { buildParquetSchema } from '../../../shared/delta/parquet/parquet-schema.js';
import { toPhysical } from '../../../shared/delta/parquet/physical-values.js';
import { compareUtf8, computeStats } from '../../../shared/delta/write/stats.js';

const INT64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
// Values that differ only in the low word, with its top bit set or not, and around zero.
const EDGY = fc.oneof(
  INT64,
  fc.constantFrom(
    -(1n << 63n),
    (1n << 63n) - 1n,
    -1n,
    0n,
    1n,
    0x7fffffffn,
    0x80000000n,
    0xffffffffn,
    0x100000000n,
  ),
  fc.bigInt({ min: -(1n << 33n), max: 1n << 33n }),
);

describe('stats over typed columns', () => {
  const schema = struct(
    field('n', 'long', false),
    field('ts', 'timestamp', false),
    field('amt', 'decimal(18,2)', false),
  );

  test('BigInt64Array columns give the stats of the same values as arrays', () => {
    fc.assert(
      fc.property(fc.array(EDGY, { minLength: 1, maxLength: 60 }), fc.nat(7), (values, offset) => {
        // A subarray with a byte offset, as RowBuffer.toColumns hands it.
        const backing = new BigInt64Array(values.length + offset);
        backing.set(values, offset);
        const typed = backing.subarray(offset);
        const fast = computeStats(schema, [typed, typed, typed] as unknown as unknown[][], values.length);
        const plain = computeStats(schema, [values, values, values], values.length);
        expect(fast).toEqual(plain);
        expect(fast.nullCount).toEqual({ n: 0, ts: 0, amt: 0 });
      }),
      { numRuns: 300 },
    );
  });

  test('the Parquet chunk bounds of a BigInt64Array are those of the same values as an array', () => {
    const leaves = buildParquetSchema(schema).leaves;
    fc.assert(
      fc.property(fc.array(EDGY, { minLength: 1, maxLength: 60 }), fc.nat(7), (values, offset) => {
        const backing = new BigInt64Array(values.length + offset);
        backing.set(values, offset);
        // Bounds, or the error for a value out of the type's range (decimal(18,2)).
        const bounds = (leaf: (typeof leaves)[number], v: ArrayLike<unknown>, at: number) => {
          try {
            const p = toPhysical(leaf, v, at, values.length);
            return [p.min, p.max];
          } catch (err) {
            return (err as Error).message;
          }
        };
        for (const leaf of leaves) expect(bounds(leaf, backing, offset)).toEqual(bounds(leaf, values, 0));
      }),
      { numRuns: 300 },
    );
  });

  test('Float64Array and Int32Array columns skip NaN like arrays do', () => {
    const s = struct(field('d', 'double', false), field('i', 'integer', false));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), fc.constant(Number.NaN)), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 40 }),
        (ds, is) => {
          const n = Math.min(ds.length, is.length);
          const d = ds.slice(0, n);
          const i = is.slice(0, n);
          const fast = computeStats(
            s,
            [Float64Array.from(d), Int32Array.from(i)] as unknown as unknown[][],
            n,
          );
          expect(fast).toEqual(computeStats(s, [d, i], n));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('compareUtf8', () => {
  const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);
  const reference = (a: string, b: string) => {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  };
  // Well-formed strings mixing ASCII, the BMP above the surrogates (U+E000..U+FFFF) and astral code points.
  const char = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
  );
  const str = fc.array(char, { maxLength: 6 }).map((cps) => String.fromCodePoint(...cps));

  test('orders like code points (UTF-8 bytes), not like UTF-16 units', () => {
    expect(compareUtf8('\u{1F600}', '\uFFFF')).toBeGreaterThan(0); // '<' on UTF-16 says the opposite
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(reference(a, b)));
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
  });
});
