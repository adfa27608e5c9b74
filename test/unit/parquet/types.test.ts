import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, struct, type StructType } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { Duck, hyMetadata, hyRows } from './parquet-test-helpers.js';

const schema: StructType = struct(
  field('s', 'string'),
  field('s_req', 'string', false),
  field('l', 'long'),
  field('i', 'integer'),
  field('sh', 'short'),
  field('i8', 'byte'),
  field('f', 'float'),
  field('d', 'double'),
  field('b', 'boolean'),
  field('bin', 'binary'),
  field('dt', 'date'),
  field('ts', 'timestamp'),
  field('tsn', 'timestamp_ntz'),
  field('d18', 'decimal(18,2)'),
  field('d38', 'decimal(38,18)'),
  field('d9', 'decimal(9,3)'),
  field('d20', 'decimal(20,0)'),
);

const D38_MAX = 10n ** 38n - 1n;
const cols: unknown[][] = [
  ['hello', '', null, 'héllo wörld ✓ 😀 \u{10FFFF}', 'x'.repeat(1000)],
  ['a', '', 'ü', 'z', '😀'],
  [0n, -1n, 9223372036854775807n, -9223372036854775808n, null],
  [0, -2147483648, 2147483647, 42, null],
  [-32768, 32767, 0, null, 5],
  [-128, 127, 0, null, -1],
  [1.5, NaN, -0, Infinity, null],
  [Math.PI, NaN, -Infinity, 1e308, null],
  [true, false, null, true, false],
  [new Uint8Array([0, 255, 1]), new Uint8Array(0), null, new Uint8Array([128]), new Uint8Array([7, 7])],
  [-719162, -1, 0, 19000, null],
  [0n, -1n, 1732000000123456n, null, -62135596800000000n],
  [1n, 2n, null, 1732000000123456n, -5n],
  [1999n, -1n, 999999999999999999n, -999999999999999999n, null],
  [D38_MAX, -D38_MAX, 0n, -1n, null],
  [123456789n, -123456789n, 0n, null, 1n],
  [99999999999999999999n, -99999999999999999999n, 0n, -256n, null],
];

describe('writeParquet: every primitive type round-trips', () => {
  const bytes = writeParquet(schema, cols);
  let duck: Duck;
  let path: string;
  beforeAll(async () => {
    duck = await Duck.open();
    path = duck.file(bytes);
  });
  afterAll(() => duck.close());

  it('hyparquet reads the exact values', async () => {
    const rows = await hyRows(bytes);
    expect(rows).toHaveLength(5);
    const col = (name: string): unknown[] => rows.map((r) => r[name]);
    expect(col('s')).toEqual(cols[0]);
    expect(col('s_req')).toEqual(cols[1]);
    expect(col('l')).toEqual(cols[2]);
    expect(col('i')).toEqual(cols[3]);
    expect(col('sh')).toEqual(cols[4]);
    expect(col('i8')).toEqual(cols[5]);
    const f = col('f');
    expect(f[0]).toBe(1.5);
    expect(Number.isNaN(f[1])).toBe(true);
    expect(Object.is(f[2], -0)).toBe(true);
    expect(f[3]).toBe(Infinity);
    expect(f[4]).toBeNull();
    const d = col('d');
    expect(d[0]).toBe(Math.PI);
    expect(Number.isNaN(d[1])).toBe(true);
    expect(d.slice(2)).toEqual([-Infinity, 1e308, null]);
    expect(col('b')).toEqual(cols[8]);
    expect(col('bin').map((v) => (v instanceof Uint8Array ? [...v] : v))).toEqual([
      [0, 255, 1],
      [],
      null,
      [128],
      [7, 7],
    ]);
    expect(col('dt')).toEqual(cols[10]);
    expect(col('ts')).toEqual(cols[11]);
    expect(col('tsn')).toEqual(cols[12]);
    // hyparquet turns decimals into JS numbers: compare at double precision.
    expect(col('d18')).toEqual([
      19.99,
      -0.01,
      Number(999999999999999999n) / 100,
      -Number(999999999999999999n) / 100,
      null,
    ]);
    expect(col('d38')).toEqual([Number(D38_MAX) / 1e18, -Number(D38_MAX) / 1e18, 0, -1e-18, null]);
    expect(col('d9')).toEqual([123456.789, -123456.789, 0, null, 0.001]);
    expect(col('d20')).toEqual([1e20 - 1, -(1e20 - 1), 0, -256, null]);
  });

  it('DuckDB sees the right SQL types', async () => {
    const rows = await duck.rows(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const types: Record<string, unknown> = Object.fromEntries(
      rows.map((r) => [String(r['column_name']), r['column_type']]),
    );
    expect(types).toEqual({
      s: 'VARCHAR',
      s_req: 'VARCHAR',
      l: 'BIGINT',
      i: 'INTEGER',
      sh: 'SMALLINT',
      i8: 'TINYINT',
      f: 'FLOAT',
      d: 'DOUBLE',
      b: 'BOOLEAN',
      bin: 'BLOB',
      dt: 'DATE',
      ts: 'TIMESTAMP WITH TIME ZONE',
      tsn: 'TIMESTAMP',
      d18: 'DECIMAL(18,2)',
      d38: 'DECIMAL(38,18)',
      d9: 'DECIMAL(9,3)',
      d20: 'DECIMAL(20,0)',
    });
  });

  it('DuckDB reads the exact values', async () => {
    const rows = await duck.rows(`
      SELECT s, s_req, l::VARCHAR AS l, i, sh, i8,
             f::VARCHAR AS f, d::VARCHAR AS d, b, hex(bin) AS bin,
             dt::VARCHAR AS dt, (dt - DATE '1970-01-01')::INTEGER AS dt_days,
             epoch_us(ts)::VARCHAR AS ts, epoch_us(tsn)::VARCHAR AS tsn,
             d18::VARCHAR AS d18, d38::VARCHAR AS d38, d9::VARCHAR AS d9, d20::VARCHAR AS d20
      FROM read_parquet('${path}')`);
    const col = (name: string): unknown[] => rows.map((r) => r[name]);
    expect(col('s')).toEqual(cols[0]);
    expect(col('s_req')).toEqual(cols[1]);
    expect(col('l')).toEqual(['0', '-1', '9223372036854775807', '-9223372036854775808', null]);
    expect(col('i')).toEqual(cols[3]);
    expect(col('sh')).toEqual(cols[4]);
    expect(col('i8')).toEqual(cols[5]);
    expect(col('f')).toEqual(['1.5', 'nan', '-0.0', 'inf', null]);
    expect(col('d')).toEqual(['3.141592653589793', 'nan', '-inf', '1e+308', null]);
    expect(col('b')).toEqual(cols[8]);
    expect(col('bin')).toEqual(['00FF01', '', null, '80', '0707']);
    expect(col('dt')).toEqual(['0001-01-01', '1969-12-31', '1970-01-01', '2022-01-08', null]);
    expect(col('dt_days')).toEqual([-719162, -1, 0, 19000, null]);
    expect(col('ts')).toEqual(['0', '-1', '1732000000123456', null, '-62135596800000000']);
    expect(col('tsn')).toEqual(['1', '2', null, '1732000000123456', '-5']);
    expect(col('d18')).toEqual(['19.99', '-0.01', '9999999999999999.99', '-9999999999999999.99', null]);
    expect(col('d38')).toEqual([
      '99999999999999999999.999999999999999999',
      '-99999999999999999999.999999999999999999',
      '0.000000000000000000',
      '-0.000000000000000001',
      null,
    ]);
    expect(col('d9')).toEqual(['123456.789', '-123456.789', '0.000', null, '0.001']);
    expect(col('d20')).toEqual(['99999999999999999999', '-99999999999999999999', '0', '-256', null]);
  });

  it('writes footer schema annotations the spec requires', () => {
    const meta = hyMetadata(bytes);
    const el = Object.fromEntries(meta.schema.slice(1).map((e) => [e.name, e]));
    expect(el['s']).toMatchObject({
      type: 'BYTE_ARRAY',
      repetition_type: 'OPTIONAL',
      converted_type: 'UTF8',
      logical_type: { type: 'STRING' },
    });
    expect(el['s_req']?.repetition_type).toBe('REQUIRED');
    expect(el['l']).toMatchObject({ type: 'INT64' });
    expect(el['sh']).toMatchObject({
      type: 'INT32',
      converted_type: 'INT_16',
      logical_type: { type: 'INTEGER', bitWidth: 16, isSigned: true },
    });
    expect(el['i8']).toMatchObject({
      type: 'INT32',
      converted_type: 'INT_8',
      logical_type: { type: 'INTEGER', bitWidth: 8, isSigned: true },
    });
    expect(el['dt']).toMatchObject({ type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } });
    expect(el['ts']).toMatchObject({
      type: 'INT64',
      converted_type: 'TIMESTAMP_MICROS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    });
    expect(el['tsn']).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' },
    });
    expect(el['tsn']?.converted_type).toBeUndefined();
    expect(el['d18']).toMatchObject({
      type: 'INT64',
      converted_type: 'DECIMAL',
      scale: 2,
      precision: 18,
      logical_type: { type: 'DECIMAL', scale: 2, precision: 18 },
    });
    expect(el['d9']).toMatchObject({ type: 'INT32', converted_type: 'DECIMAL', scale: 3, precision: 9 });
    expect(el['d38']).toMatchObject({
      type: 'FIXED_LEN_BYTE_ARRAY',
      type_length: 16,
      converted_type: 'DECIMAL',
      scale: 18,
      precision: 38,
    });
    expect(el['d20']).toMatchObject({
      type: 'FIXED_LEN_BYTE_ARRAY',
      type_length: 9,
      scale: 0,
      precision: 20,
    });
    expect(meta.num_rows).toBe(5n);
    expect(meta.created_by).toMatch(/ version /);
  });
});
