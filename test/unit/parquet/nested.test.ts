import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArrayType, DataType, MapType, StructType } from '../../../shared/delta/protocol/schema.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { Duck, hyMetadata, hyRows } from './parquet-test-helpers.js';

const arrayOf = (elementType: DataType, containsNull = true): ArrayType => ({
  type: 'array',
  elementType,
  containsNull,
});
const mapOf = (keyType: DataType, valueType: DataType, valueContainsNull = true): MapType => ({
  type: 'map',
  keyType,
  valueType,
  valueContainsNull,
});

const schema: StructType = struct(
  field('id', 'integer', false),
  field(
    'st',
    struct(field('a', 'integer'), field('b', 'string', false), field('inner', struct(field('x', 'double')))),
  ),
  field('arr', arrayOf('string')),
  field('arr_req', arrayOf('long', false), false),
  field('m', mapOf('string', 'integer')),
  field('aos', arrayOf(struct(field('k', 'string'), field('v', 'decimal(18,2)')))),
  field('aoa', arrayOf(arrayOf('integer'))),
  field('moa', mapOf('string', arrayOf('string'), false)),
);

const rows: Record<string, unknown>[] = [
  {
    id: 0,
    st: { a: 1, b: 'x', inner: { x: 1.5 } },
    arr: ['a', null, ''],
    arr_req: [1n, 2n],
    m: new Map<string, number | null>([
      ['k1', 1],
      ['k2', null],
    ]),
    aos: [{ k: 'p', v: 1999n }, null, { k: null, v: -5n }],
    aoa: [[1, 2], [], null, [3]],
    moa: { a: ['x', 'y'], b: [] },
  },
  { id: 1, st: null, arr: null, arr_req: [], m: null, aos: null, aoa: null, moa: null },
  {
    id: 2,
    st: { a: null, b: '', inner: null },
    arr: [],
    arr_req: [-1n],
    m: new Map(),
    aos: [],
    aoa: [],
    moa: {},
  },
  {
    id: 3,
    st: { a: 7, b: 'ü', inner: { x: null } },
    arr: [null],
    arr_req: [0n],
    m: { only: 42 },
    aos: [null],
    aoa: [null],
    moa: { z: ['q'] },
  },
];

const columns = schema.fields.map((f) => rows.map((r) => r[f.name] ?? null));

describe('writeParquet: nested types (struct, LIST, MAP)', () => {
  const bytes = writeParquet(schema, columns);
  let duck: Duck;
  let path: string;
  beforeAll(async () => {
    duck = await Duck.open();
    path = duck.file(bytes);
  });
  afterAll(() => duck.close());

  it('uses the standard 3-level LIST and MAP layouts', () => {
    const meta = hyMetadata(bytes);
    const shape = meta.schema.map((e) => [
      e.name,
      e.repetition_type,
      e.converted_type ?? e.type ?? null,
      e.num_children ?? null,
    ]);
    // depth-first: arr (LIST) -> repeated group list -> optional element
    const at = (name: string): number => shape.findIndex((s) => s[0] === name);
    const arr = at('arr');
    expect(shape.slice(arr, arr + 3)).toEqual([
      ['arr', 'OPTIONAL', 'LIST', 1],
      ['list', 'REPEATED', null, 1],
      ['element', 'OPTIONAL', 'UTF8', null],
    ]);
    const arrReq = at('arr_req');
    expect(shape.slice(arrReq, arrReq + 3)).toEqual([
      ['arr_req', 'REQUIRED', 'LIST', 1],
      ['list', 'REPEATED', null, 1],
      ['element', 'REQUIRED', 'INT64', null],
    ]);
    const m = at('m');
    expect(shape.slice(m, m + 4)).toEqual([
      ['m', 'OPTIONAL', 'MAP', 1],
      ['key_value', 'REPEATED', null, 2],
      ['key', 'REQUIRED', 'UTF8', null],
      ['value', 'OPTIONAL', 'INT32', null],
    ]);
    expect(meta.schema[arr]?.logical_type).toEqual({ type: 'LIST' });
    expect(meta.schema[m]?.logical_type).toEqual({ type: 'MAP' });
    const paths = meta.row_groups[0]?.columns.map((c) => c.meta_data?.path_in_schema.join('.'));
    expect(paths).toEqual([
      'id',
      'st.a',
      'st.b',
      'st.inner.x',
      'arr.list.element',
      'arr_req.list.element',
      'm.key_value.key',
      'm.key_value.value',
      'aos.list.element.k',
      'aos.list.element.v',
      'aoa.list.element.list.element',
      'moa.key_value.key',
      'moa.key_value.value.list.element',
    ]);
  });

  it('DuckDB reads nested values exactly', async () => {
    const got = await duck.rows(`
      SELECT id, to_json(st) AS st, to_json(arr) AS arr, to_json(arr_req) AS arr_req, to_json(m) AS m,
             to_json(aos) AS aos, to_json(aoa) AS aoa, to_json(moa) AS moa,
             typeof(st) AS t_st, typeof(m) AS t_m, typeof(aos) AS t_aos, typeof(moa) AS t_moa
      FROM read_parquet('${path}') ORDER BY id`);
    const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(got.map((r) => parse(r['st']))).toEqual([
      { a: 1, b: 'x', inner: { x: 1.5 } },
      null,
      { a: null, b: '', inner: null },
      { a: 7, b: 'ü', inner: { x: null } },
    ]);
    expect(got.map((r) => parse(r['arr']))).toEqual([['a', null, ''], null, [], [null]]);
    expect(got.map((r) => parse(r['arr_req']))).toEqual([[1, 2], [], [-1], [0]]);
    expect(got.map((r) => parse(r['m']))).toEqual([{ k1: 1, k2: null }, null, {}, { only: 42 }]);
    expect(got.map((r) => parse(r['aos']))).toEqual([
      [{ k: 'p', v: 19.99 }, null, { k: null, v: -0.05 }],
      null,
      [],
      [null],
    ]);
    expect(got.map((r) => parse(r['aoa']))).toEqual([[[1, 2], [], null, [3]], null, [], [null]]);
    expect(got.map((r) => parse(r['moa']))).toEqual([{ a: ['x', 'y'], b: [] }, null, {}, { z: ['q'] }]);
    expect(got[0]).toMatchObject({
      t_st: 'STRUCT(a INTEGER, b VARCHAR, "inner" STRUCT(x DOUBLE))',
      t_m: 'MAP(VARCHAR, INTEGER)',
      t_aos: 'STRUCT(k VARCHAR, v DECIMAL(18,2))[]',
      t_moa: 'MAP(VARCHAR, VARCHAR[])',
    });
    // Exact decimal inside a list of structs.
    const dec = await duck.rows(`SELECT aos[1].v::VARCHAR AS v FROM read_parquet('${path}') WHERE id = 0`);
    expect(dec[0]?.['v']).toBe('19.99');
  });

  it('hyparquet reads nested values', async () => {
    const got = await hyRows(bytes);
    expect(got.map((r) => r['st'])).toEqual([
      { a: 1, b: 'x', inner: { x: 1.5 } },
      null,
      { a: null, b: '', inner: null },
      { a: 7, b: 'ü', inner: { x: null } },
    ]);
    expect(got.map((r) => r['arr'])).toEqual([['a', null, ''], null, [], [null]]);
    expect(got.map((r) => r['arr_req'])).toEqual([[1n, 2n], [], [-1n], [0n]]);
    expect(got.map((r) => r['m'])).toEqual([{ k1: 1, k2: null }, null, {}, { only: 42 }]);
    expect(got.map((r) => r['aoa'])).toEqual([[[1, 2], [], null, [3]], null, [], [null]]);
    expect(got.map((r) => r['aos'])).toEqual([
      [{ k: 'p', v: 19.99 }, null, { k: null, v: -0.05 }],
      null,
      [],
      [null],
    ]);
    expect(got.map((r) => r['moa'])).toEqual([{ a: ['x', 'y'], b: [] }, null, {}, { z: ['q'] }]);
  });

  it('rejects nulls where the schema says required, at any depth', () => {
    const bad = (patch: Record<string, unknown>): (() => Uint8Array) => {
      const r = [{ ...rows[0], ...patch }];
      return () =>
        writeParquet(
          schema,
          schema.fields.map((f) => r.map((x) => x[f.name] ?? null)),
        );
    };
    expect(bad({ id: null })).toThrow(/id/);
    expect(bad({ arr_req: null })).toThrow(/arr_req/);
    expect(bad({ arr_req: [1n, null] })).toThrow(/arr_req/);
    expect(bad({ st: { a: 1, b: null } })).toThrow(/st\.b/);
    expect(bad({ m: new Map([[null, 1]]) })).toThrow(/m\.key_value\.key/);
    expect(bad({ moa: { a: null } })).toThrow(/moa/);
    expect(bad({ arr: 'not an array' })).toThrow(/expected an array/);
    expect(bad({ st: [1, 2] })).toThrow(/expected a struct/);
  });
});
