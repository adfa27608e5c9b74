import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, struct, type DataType, type StructType } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { Duck, hyMetadata, hyRows } from './parquet-test-helpers.js';

describe('writeParquet: input validation', () => {
  const one =
    (type: DataType, value: unknown, nullable = true): (() => Uint8Array) =>
    () =>
      writeParquet(struct(field('c', type, nullable)), [[value]]);

  it.each<[string, DataType, unknown, RegExp]>([
    ['number for long', 'long', 5, /column c: expected a bigint/],
    ['bigint out of int64', 'long', 2n ** 63n, /column c: expected a bigint in/],
    ['bigint for integer', 'integer', 5n, /expected a 32-bit integer/],
    ['fraction for integer', 'integer', 1.5, /expected a 32-bit integer/],
    ['integer overflow', 'integer', 2 ** 31, /expected a 32-bit integer/],
    ['short overflow', 'short', 32768, /expected an integer in \[-32768, 32767\]/],
    ['byte overflow', 'byte', -129, /expected an integer in \[-128, 127\]/],
    ['string for date', 'date', '2026-01-01', /expected a 32-bit integer/],
    ['decimal(18,2) with 19 digits', 'decimal(18,2)', 10n ** 18n, /expected a bigint in/],
    ['decimal(9,2) with 10 digits', 'decimal(9,2)', -(10n ** 9n), /unscaled decimal\(9,2\)/],
    ['decimal(38,0) with 39 digits', 'decimal(38,0)', 10n ** 38n, /unscaled decimal\(38,0\)/],
    ['number for decimal', 'decimal(18,2)', 1.5, /expected a bigint/],
    ['bytes for string', 'string', new Uint8Array(1), /expected a string/],
    ['string for binary', 'binary', 'x', /expected a Uint8Array/],
    ['string for boolean', 'boolean', 'true', /expected a boolean/],
    ['string for double', 'double', '1.5', /expected a number/],
    ['bigint for timestamp out of range', 'timestamp', -(2n ** 63n) - 1n, /expected a bigint in/],
  ])('rejects %s', (_name, type, value, message) => {
    expect(one(type, value)).toThrow(message);
  });

  it('rejects a null in a non-nullable column and bad shapes', () => {
    expect(one('string', null, false)).toThrow(/column c is not nullable/);
    expect(one('string', undefined, false)).toThrow(/column c is not nullable/);
    const s = struct(field('a', 'integer'), field('b', 'integer'));
    expect(() => writeParquet(s, [[1]])).toThrow(/1 columns given for 2 schema fields/);
    expect(() => writeParquet(s, [[1], [1, 2]])).toThrow(/column b has 2 values, expected 1/);
    expect(() => writeParquet(s, [[1], [2]], { rowGroupRows: 0 })).toThrow(/rowGroupRows/);
    expect(() => writeParquet(struct(), [])).toThrow(/no columns/);
    expect(() => writeParquet(struct(field('x', 'interval' as DataType)), [[1]])).toThrow(
      /unsupported type interval/,
    );
    expect(() => writeParquet(struct(field('x', 'decimal(40,2)')), [[1n]])).toThrow(
      /invalid decimal\(40,2\)/,
    );
  });

  it('a bad value deep in a later row group is still reported', () => {
    const values: unknown[] = Array.from({ length: 5000 }, (_, i) => BigInt(i));
    values[4321] = 7;
    expect(() => writeParquet(struct(field('n', 'long')), [values], { rowGroupRows: 1000 })).toThrow(
      /column n: expected a bigint, got number 7/,
    );
  });
});

describe('writeParquet: typed-array columns, field ids, metadata, empty files', () => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await Duck.open();
  });
  afterAll(() => duck.close());

  it('typed arrays produce byte-identical files to plain arrays', () => {
    const n = 5000;
    const s: StructType = struct(
      field('l', 'long', false),
      field('ts', 'timestamp', false),
      field('d', 'decimal(18,2)', false),
      field('i', 'integer', false),
      field('dt', 'date', false),
      field('f', 'float', false),
      field('x', 'double', false),
      field('sh', 'short', false),
    );
    const l = Array.from({ length: n }, (_, i) => BigInt(i * 1000 - 7));
    const i32 = Array.from({ length: n }, (_, i) => i - 2500);
    const f = Array.from({ length: n }, (_, i) => Math.fround(i / 3));
    const x = Array.from({ length: n }, (_, i) => i / 7);
    const sh = Array.from({ length: n }, (_, i) => (i % 60000) - 30000);
    const plain = writeParquet(s, [l, l, l, i32, i32, f, x, sh], { rowGroupRows: 2000 });
    const typed = writeParquet(
      s,
      [
        BigInt64Array.from(l),
        BigInt64Array.from(l),
        BigInt64Array.from(l),
        Int32Array.from(i32),
        Int32Array.from(i32),
        Float32Array.from(f),
        Float64Array.from(x),
        Int16Array.from(sh),
      ],
      { rowGroupRows: 2000 },
    );
    expect(Buffer.from(typed).equals(Buffer.from(plain))).toBe(true);
    // …and range checks still apply to typed input
    expect(() =>
      writeParquet(struct(field('d', 'decimal(5,2)', false)), [BigInt64Array.of(100000n)]),
    ).toThrow(/decimal|bigint in/);
    expect(() => writeParquet(struct(field('s', 'string', false)), [Int32Array.of(1)])).toThrow(
      /expected a string/,
    );
    expect(() => writeParquet(struct(field('i', 'integer', false)), [Float64Array.of(1)])).toThrow(
      /Int32Array/,
    );
  });

  it('writes field ids from column-mapping metadata, created_by and key/value metadata', async () => {
    const s: StructType = struct(
      {
        name: 'a',
        type: 'long',
        nullable: true,
        metadata: { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-1' },
      },
      { name: 'b', type: struct(field('c', 'string')), nullable: true, metadata: { 'parquet.field.id': 2 } },
      field('n', 'string'),
    );
    const bytes = writeParquet(s, [[1n], [{ c: 'x' }], [null]], {
      createdBy: 'pos-lakehouse version 9.9.9',
      keyValueMetadata: { k: 'v' },
    });
    const meta = hyMetadata(bytes);
    expect(meta.schema.map((e) => [e.name, e.field_id])).toEqual([
      ['schema', undefined],
      ['a', 1],
      ['b', 2],
      ['c', undefined],
      ['n', undefined],
    ]);
    expect(meta.created_by).toBe('pos-lakehouse version 9.9.9');
    expect(meta.key_value_metadata).toEqual([{ key: 'k', value: 'v' }]);
    const ids = await duck.rows(
      `SELECT name, field_id::INTEGER AS field_id FROM parquet_schema('${duck.file(bytes)}')`,
    );
    expect(ids.map((r) => [r['name'], r['field_id']])).toEqual([
      ['schema', null],
      ['a', 1],
      ['b', 2],
      ['c', null],
      ['n', null],
    ]);
  });

  it('zero rows: a valid file with the schema and no row groups', async () => {
    const s = struct(
      field('a', 'long'),
      field('t', 'timestamp'),
      field('m', { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true }),
    );
    const bytes = writeParquet(s, [[], [], []]);
    expect(hyMetadata(bytes).row_groups).toEqual([]);
    expect(await hyRows(bytes)).toEqual([]);
    const p = duck.file(bytes);
    expect(await duck.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${p}')`)).toEqual([{ n: 0 }]);
    const types = await duck.rows(`DESCRIBE SELECT * FROM read_parquet('${p}')`);
    expect(types.map((r) => r['column_type'])).toEqual([
      'BIGINT',
      'TIMESTAMP WITH TIME ZONE',
      'MAP(VARCHAR, VARCHAR)',
    ]);
  });

  it('many small row groups with nested columns read back in order', async () => {
    const s = struct(
      field('i', 'integer', false),
      field('tags', { type: 'array', elementType: 'string', containsNull: true }),
    );
    const n = 2500;
    const i = Array.from({ length: n }, (_, k) => k);
    const tags = i.map((k) => (k % 4 === 0 ? null : Array.from({ length: k % 3 }, (_, j) => `t${k}.${j}`)));
    const bytes = writeParquet(s, [i, tags], { rowGroupRows: 333 });
    expect(hyMetadata(bytes).row_groups).toHaveLength(Math.ceil(n / 333));
    const back = await hyRows(bytes);
    expect(back.map((r) => r['tags'])).toEqual(tags);
    const d = await duck.rows(
      `SELECT list(i ORDER BY i) = range(${n})::INTEGER[] AS ordered, sum(len(tags))::INTEGER AS e FROM read_parquet('${duck.file(bytes)}')`,
    );
    expect(d[0]).toEqual({ ordered: true, e: tags.reduce((a, t) => a + (t?.length ?? 0), 0) });
  });

  it('is deterministic and leaves no state behind between calls', () => {
    const s = struct(field('s', 'string'), field('v', 'long'));
    const a = writeParquet(s, [
      ['x', null, 'y'],
      [1n, 2n, null],
    ]);
    writeParquet(struct(field('big', 'string')), [Array.from({ length: 300_000 }, (_, k) => `v${k % 1000}`)]);
    const b = writeParquet(s, [
      ['x', null, 'y'],
      [1n, 2n, null],
    ]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
