import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { maxCompressedLength, snappyCompress } from '../../../shared/delta/parquet/snappy-compress.js';
import { bitWidthOf, encodeRleHybrid } from '../../../shared/delta/parquet/rle-hybrid.js';
import { ByteWriter } from '../../../shared/delta/parquet/byte-writer.js';
import { CT_I32, CompactWriter } from '../../../shared/delta/parquet/thrift-compact.js';
import { encodeFileMetaData } from '../../../shared/delta/parquet/file-metadata.js';
import { buildParquetSchema } from '../../../shared/delta/parquet/parquet-schema.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { CompactReader, decodeRleHybrid, type ThriftStruct } from './parquet-test-helpers.js';

function compress(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(maxCompressedLength(src.length));
  return dst.slice(0, snappyCompress(src, 0, src.length, dst, 0));
}

function roundTrip(src: Uint8Array): Uint8Array {
  const c = compress(src);
  expect(c.length).toBeLessThanOrEqual(maxCompressedLength(src.length));
  const out = new Uint8Array(src.length);
  snappyUncompress(c, out);
  return out;
}

/** -1 when equal, else the first differing index (or the shorter length): cheap on MiB inputs. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s & 0xff;
  };
}

describe('snappy compressor', () => {
  it('round-trips edge sizes and shapes', () => {
    const rnd = lcg(7);
    const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, rnd);
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(42),
      random(15),
      random(16),
      random(17),
      random(60),
      random(61),
      random(257),
      random(65_536),
      random(200_000), // incompressible, several 64 KiB blocks
      new Uint8Array(1 << 20), // one long run: copies at offset 1
      new TextEncoder().encode('abcabcabcabcabcabcabcabcabcabcabcabc'.repeat(1000)),
    ];
    // matches of exactly 64..70 bytes (the 2-byte-copy length limit and its split rule)
    for (let len = 60; len <= 72; len++) {
      const chunk = random(len);
      cases.push(Uint8Array.from([...random(20), ...chunk, ...random(3000), ...chunk, ...random(20)]));
    }
    for (const c of cases) expect(firstDiff(roundTrip(c), c)).toBe(-1);
  });

  it('actually compresses repetitive input and writes the uncompressed length first', () => {
    const src = new TextEncoder().encode('{"storeId":"S0042","sku":"SKU-000123"}'.repeat(2000));
    const c = compress(src);
    expect(c.length).toBeLessThan(src.length / 20);
    // varint preamble = uncompressed length
    let n = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const b = c[i] as number;
      n |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    expect(n).toBe(src.length);
  });

  it('round-trips arbitrary mixes of literal and repeated segments (property)', () => {
    const segment = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc
        .record({ byte: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 5000 }) })
        .map(({ byte, n }) => new Uint8Array(n).fill(byte)),
      fc
        .record({
          pat: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          times: fc.integer({ min: 1, max: 300 }),
        })
        .map(({ pat, times }) => {
          const out = new Uint8Array(pat.length * times);
          for (let i = 0; i < times; i++) out.set(pat, i * pat.length);
          return out;
        }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 30 }), (segs) => {
        const total = segs.reduce((s, x) => s + x.length, 0);
        const src = new Uint8Array(total);
        let p = 0;
        for (const s of segs) {
          src.set(s, p);
          p += s.length;
        }
        expect(firstDiff(roundTrip(src), src)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RLE / bit-packed hybrid encoder', () => {
  const encode = (values: number[], width: number): Uint8Array => {
    const w = new ByteWriter(16);
    encodeRleHybrid(Int32Array.from(values), 0, values.length, width, w);
    return w.view().slice();
  };

  it('uses an RLE run for repeats and bit-packing for the rest', () => {
    expect([...encode(new Array<number>(1000).fill(1), 1)]).toEqual([0xd0, 0x0f, 0x01]); // varint(2000), value 1
    expect([...encode([0, 1, 2, 3, 4, 5, 6, 7], 3)]).toEqual([0x03, 0x88, 0xc6, 0xfa]); // spec example
    expect([...encode(new Array<number>(8).fill(300), 9)]).toEqual([0x10, 0x2c, 0x01]); // 2-byte RLE value
  });

  it('round-trips random runs at every bit width (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.record({ v: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 20 }),
        (width, runs, startOffset) => {
          const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
          const values: number[] = [];
          for (const r of runs) for (let i = 0; i < r.n; i++) values.push(r.v & mask);
          const all = Int32Array.from([...new Array<number>(startOffset).fill(mask), ...values]);
          const w = new ByteWriter(8);
          encodeRleHybrid(all, startOffset, all.length, width, w);
          const bytes = w.view();
          expect(decodeRleHybrid(bytes, 0, bytes.length, width, values.length)).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bitWidthOf', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 255, 256].map(bitWidthOf)).toEqual([0, 1, 2, 2, 3, 3, 4, 8, 9]);
  });
});

describe('thrift compact writer', () => {
  it('encodes field deltas, long-form ids, zigzag ints, bools and lists', () => {
    const w = new CompactWriter(new ByteWriter(16));
    w.fieldI32(1, -1);
    w.fieldI32(20, 300); // delta 19 > 15: long form
    w.fieldBool(21, true);
    w.fieldBool(22, false);
    w.fieldI64(23, 2 ** 40);
    w.fieldString(24, 'hé');
    w.beginList(25, CT_I32, 20); // >= 15 elements: long list header
    for (let i = 0; i < 20; i++) w.i32(i - 10);
    w.beginStruct(26);
    w.fieldI8(1, -3);
    w.endStruct();
    w.fieldI16(27, -2);
    w.stop();
    const s = new CompactReader(w.out.view(), 0).struct();
    expect(s.get(1)).toBe(-1);
    expect(s.get(20)).toBe(300);
    expect(s.get(21)).toBe(true);
    expect(s.get(22)).toBe(false);
    expect(s.get(23)).toBe(2n ** 40n);
    expect(new TextDecoder().decode(s.get(24) as Uint8Array)).toBe('hé');
    expect(s.get(25)).toEqual(Array.from({ length: 20 }, (_, i) => i - 10));
    expect((s.get(26) as ThriftStruct).get(1)).toBe(253); // i8 is a raw byte
    expect(s.get(27)).toBe(-2);
  });

  it('encodes schema logical types and field ids with the parquet.thrift ids', () => {
    const { elements } = buildParquetSchema(
      struct(
        { name: 'ts', type: 'timestamp', nullable: true, metadata: { 'delta.columnMapping.id': 7 } },
        field('d', 'decimal(10,3)', false),
        field('s', 'string'),
        field('b', 'byte'),
        field('dt', 'date'),
      ),
    );
    const bytes = encodeFileMetaData({
      version: 1,
      schema: elements,
      numRows: 0,
      rowGroups: [],
      columnOrderCount: 5,
      createdBy: 'x version 1',
    });
    const fmd = new CompactReader(bytes, 0).struct();
    const schema = fmd.get(2) as ThriftStruct[];
    const ts = schema[1] as ThriftStruct;
    expect(ts.get(1)).toBe(2); // INT64
    expect(ts.get(3)).toBe(1); // OPTIONAL
    expect(ts.get(6)).toBe(10); // TIMESTAMP_MICROS
    expect(ts.get(9)).toBe(7); // field_id
    const tsLogical = (ts.get(10) as ThriftStruct).get(8) as ThriftStruct; // LogicalType.TIMESTAMP
    expect(tsLogical.get(1)).toBe(true); // isAdjustedToUTC
    expect([...(tsLogical.get(2) as ThriftStruct).keys()]).toEqual([2]); // TimeUnit.MICROS
    const d = schema[2] as ThriftStruct;
    expect([d.get(1), d.get(3), d.get(6), d.get(7), d.get(8)]).toEqual([2, 0, 5, 3, 10]); // INT64 REQUIRED DECIMAL s=3 p=10
    const dl = (d.get(10) as ThriftStruct).get(5) as ThriftStruct;
    expect([dl.get(1), dl.get(2)]).toEqual([3, 10]);
    expect([...((schema[3] as ThriftStruct).get(10) as ThriftStruct).keys()]).toEqual([1]); // STRING
    const int8 = ((schema[4] as ThriftStruct).get(10) as ThriftStruct).get(10) as ThriftStruct;
    expect([int8.get(1), int8.get(2)]).toEqual([8, true]);
    expect([...((schema[5] as ThriftStruct).get(10) as ThriftStruct).keys()]).toEqual([6]); // DATE
    expect((schema[0] as ThriftStruct).has(3)).toBe(false); // root has no repetition
    expect((fmd.get(7) as ThriftStruct[]).map((o) => [...o.keys()])).toEqual([[1], [1], [1], [1], [1]]); // TYPE_ORDER
  });
});
