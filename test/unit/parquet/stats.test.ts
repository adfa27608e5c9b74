import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, struct, type StructType } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { MAX_STAT_BYTES } from '../../../shared/delta/parquet/byte-array-stats.js';
import { Duck, readFooter, type ThriftStruct } from './parquet-test-helpers.js';

const schema: StructType = struct(
  field('i', 'integer'),
  field('l', 'long'),
  field('d', 'decimal(18,2)'),
  field('dfix', 'decimal(38,2)'),
  field('s', 'string'),
  field('bin', 'binary'),
  field('f', 'double'),
  field('fz', 'float'),
  field('fnan', 'double'),
  field('b', 'boolean'),
  field('allnull', 'string'),
  field('dt', 'date'),
  field('ts', 'timestamp'),
  field('longs', 'string'),
  field('sh', 'short'),
);

const N = 8;
const pad = <T>(xs: T[]): (T | null)[] => [...xs, ...new Array<null>(N - xs.length).fill(null)];
const cols: unknown[][] = [
  pad([5, -3, 2147483647, -2147483648]),
  pad([-5n, 10n, 0n]),
  pad([-100n, 5n]),
  pad([-(10n ** 30n), 7n, 10n ** 20n]),
  pad(['b', 'a', 'é', '😀', '\uFFFD', 'Z', '']),
  pad([new Uint8Array([0xff]), new Uint8Array([0x00, 0x01]), new Uint8Array([0x7f])]),
  pad([NaN, 1, -2, NaN]),
  pad([0, -0, 0]),
  pad([NaN, NaN]),
  pad([true, true]),
  pad([]),
  pad([-1, 5]),
  pad([-1n, 1n]),
  pad(['z'.repeat(300) + 'é', 'a'.repeat(300)]),
  pad([-32768, 32767]),
];

interface Stats {
  nullCount: number;
  min?: Uint8Array;
  max?: Uint8Array;
  maxExact?: boolean;
  minExact?: boolean;
}

function statsByColumn(bytes: Uint8Array): Map<string, Stats> {
  const out = new Map<string, Stats>();
  const rg = (readFooter(bytes).get(4) as ThriftStruct[])[0] as ThriftStruct;
  for (const cc of rg.get(1) as ThriftStruct[]) {
    const md = cc.get(3) as ThriftStruct;
    const path = (md.get(3) as Uint8Array[]).map((p) => new TextDecoder().decode(p)).join('.');
    const st = md.get(12) as ThriftStruct;
    const s: Stats = { nullCount: Number(st.get(3)) };
    if (st.has(6)) s.min = st.get(6) as Uint8Array;
    if (st.has(5)) s.max = st.get(5) as Uint8Array;
    if (st.has(7)) s.maxExact = st.get(7) as boolean;
    if (st.has(8)) s.minExact = st.get(8) as boolean;
    // the deprecated signed-order fields are never written
    expect(st.has(1) || st.has(2)).toBe(false);
    out.set(path, s);
  }
  return out;
}

const le32 = (v: number): number[] => [...new Uint8Array(Int32Array.of(v).buffer)];
const le64 = (v: bigint): number[] => [...new Uint8Array(BigInt64Array.of(v).buffer)];
const f64 = (v: number): number[] => [...new Uint8Array(Float64Array.of(v).buffer)];
const f32 = (v: number): number[] => [...new Uint8Array(Float32Array.of(v).buffer)];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const arr = (b: Uint8Array | undefined): number[] | undefined => (b ? [...b] : undefined);

describe('writeParquet: column chunk statistics', () => {
  const bytes = writeParquet(schema, cols);
  const stats = statsByColumn(bytes);
  const get = (c: string): Stats => {
    const s = stats.get(c);
    if (!s) throw new Error(`no stats for ${c}`);
    return s;
  };
  let duck: Duck;
  let path: string;
  beforeAll(async () => {
    duck = await Duck.open();
    path = duck.file(bytes);
  });
  afterAll(() => duck.close());

  it('signed order for integers, dates, timestamps and decimals (two’s complement)', () => {
    expect([arr(get('i').min), arr(get('i').max), get('i').nullCount]).toEqual([
      le32(-2147483648),
      le32(2147483647),
      4,
    ]);
    expect([arr(get('l').min), arr(get('l').max)]).toEqual([le64(-5n), le64(10n)]);
    expect([arr(get('d').min), arr(get('d').max)]).toEqual([le64(-100n), le64(5n)]);
    // decimal(38,2) is a 16-byte big-endian two's complement FIXED_LEN_BYTE_ARRAY
    const be16 = (v: bigint): number[] => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, v >> 64n));
      new DataView(b.buffer).setBigUint64(8, BigInt.asUintN(64, v));
      return [...b];
    };
    expect([arr(get('dfix').min), arr(get('dfix').max)]).toEqual([be16(-(10n ** 30n)), be16(10n ** 20n)]);
    expect([arr(get('dt').min), arr(get('dt').max)]).toEqual([le32(-1), le32(5)]);
    expect([arr(get('ts').min), arr(get('ts').max)]).toEqual([le64(-1n), le64(1n)]);
    expect([arr(get('sh').min), arr(get('sh').max)]).toEqual([le32(-32768), le32(32767)]);
  });

  it('unsigned bytewise order for strings (UTF-8) and binary', () => {
    // '' < 'Z' < 'a' < 'b' < 'é' < U+FFFD < '😀' in UTF-8 (UTF-16 order would put U+FFFD last)
    expect([arr(get('s').min), arr(get('s').max), get('s').nullCount]).toEqual([[], utf8('😀'), 1]);
    expect([get('s').minExact, get('s').maxExact]).toEqual([true, true]);
    expect([arr(get('bin').min), arr(get('bin').max)]).toEqual([[0x00, 0x01], [0xff]]);
  });

  it('floats: NaN ignored, zero bounds signed per the spec, all-NaN gives no bounds', () => {
    expect([arr(get('f').min), arr(get('f').max)]).toEqual([f64(-2), f64(1)]);
    expect([arr(get('fz').min), arr(get('fz').max)]).toEqual([f32(-0), f32(0)]);
    expect(get('fnan')).toEqual({ nullCount: 6 });
  });

  it('booleans, all-null columns', () => {
    expect([arr(get('b').min), arr(get('b').max)]).toEqual([[1], [1]]);
    expect(get('allnull')).toEqual({ nullCount: N });
  });

  it('long strings get truncated, inexact but valid bounds', () => {
    const s = get('longs');
    expect(s.min).toHaveLength(MAX_STAT_BYTES);
    expect(s.minExact).toBe(false);
    expect(arr(s.min)).toEqual(utf8('a'.repeat(MAX_STAT_BYTES)));
    expect(s.maxExact).toBe(false);
    expect(arr(s.max)).toEqual(utf8('z'.repeat(MAX_STAT_BYTES - 1) + '{'));
  });

  it('DuckDB decodes the same bounds', async () => {
    const rows = await duck.rows(`
      SELECT path_in_schema AS p, stats_min_value AS mn, stats_max_value AS mx, stats_null_count::INTEGER AS nc,
             min_is_exact AS mne, max_is_exact AS mxe
      FROM parquet_metadata('${path}')`);
    const by: Record<string, unknown[]> = Object.fromEntries(
      rows.map((r) => [String(r['p']), [r['mn'], r['mx'], r['nc']]]),
    );
    const exact: Record<string, unknown[]> = Object.fromEntries(
      rows.map((r) => [String(r['p']), [r['mne'], r['mxe']]]),
    );
    expect(by['i']).toEqual(['-2147483648', '2147483647', 4]);
    expect(by['d']).toEqual(['-1.00', '0.05', 6]);
    expect(by['dfix']).toEqual(['-10000000000000000000000000000.00', '1000000000000000000.00', 5]);
    expect(by['s']).toEqual(['', '😀', 1]);
    expect(by['dt']).toEqual(['1969-12-31', '1970-01-06', 6]);
    expect(by['allnull']).toEqual([null, null, N]);
    expect(exact['longs']).toEqual([false, false]);
    expect(exact['s']).toEqual([true, true]);
  });

  it('DuckDB row-group pruning with these statistics keeps every matching row', async () => {
    const q = async (where: string): Promise<number> => {
      const r = await duck.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path}') WHERE ${where}`);
      return r[0]?.['n'] as number;
    };
    expect(await q(`s = '😀'`)).toBe(1);
    expect(await q(`s = ''`)).toBe(1);
    expect(await q(`i = -2147483648`)).toBe(1);
    expect(await q(`d = -1.00`)).toBe(1);
    expect(await q(`dfix = -10000000000000000000000000000.00`)).toBe(1);
    expect(await q(`dfix = 1000000000000000000.00`)).toBe(1);
    expect(await q(`longs = '${'z'.repeat(300)}é'`)).toBe(1);
    expect(await q(`dt = DATE '1969-12-31'`)).toBe(1);
    expect(await q(`f = -2`)).toBe(1);
  });
});
