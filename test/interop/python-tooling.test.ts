/**
 * Proves the reference-engine tooling (scripts/python/delta_tool.py via test/support/python.ts):
 * delta-spark and delta-rs write the same partitioned table from one spec, and both engines scan
 * both tables to the exact same `lakehouse table scan` lines (decimal scale, microsecond UTC
 * timestamps, dates, longs beyond 2^53, float32 shortest form, NaN/Infinity, binary, nested types).
 * Needs the venv from `bash scripts/setup-python.sh`; without it the test fails, it never skips.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { field, struct } from '../../shared/delta/protocol/schema.js';
import type { DeltaToolResult, WriteSpec } from '../support/python.js';
import { deltaToolBatch, rowsOf, scanWith } from '../support/python.js';

const SETUP_TIMEOUT_MS = 600_000;

const SPEC: WriteSpec = {
  schema: struct(
    field('id', 'long', false),
    field('store', 'string'),
    field('amount', 'decimal(18,2)'),
    field('day', 'date'),
    field('at', 'timestamp'),
    field('ratio', 'double'),
    field('qty', 'float'),
    field('blob', 'binary'),
    field('tags', { type: 'array', elementType: 'string', containsNull: true }),
    field('attrs', { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true }),
    field('pt', struct(field('x', 'integer'), field('y', 'decimal(5,3)'))),
  ),
  partitionBy: ['store', 'day'],
  steps: [
    {
      op: 'append',
      rows: [
        {
          id: 9007199254740993n,
          store: 's1',
          amount: '12.30',
          day: '2026-11-25',
          at: '2026-11-25T14:03:11.123000Z',
          ratio: 0.1,
          qty: 1.1,
          blob: 'AAEC/w==',
          tags: ['a', null, 'ü€'],
          attrs: { k: 9223372036854775807n },
          pt: { x: 1, y: '1.500' },
        },
        {
          id: -1,
          store: 's2',
          amount: '-0.50',
          day: '1970-01-01',
          at: '1969-12-31T23:59:59.999999Z',
          ratio: 'NaN',
          qty: '-Infinity',
          blob: null,
          tags: [],
          attrs: {},
          pt: null,
        },
        {
          id: 3,
          store: null,
          amount: null,
          day: null,
          at: null,
          ratio: 1e21,
          qty: 100,
          blob: '',
          tags: null,
          attrs: null,
          pt: { x: null, y: null },
        },
      ],
    },
    {
      op: 'append',
      rows: [
        {
          id: 4,
          store: 's1',
          amount: '9999999999999999.99',
          day: '2026-11-25',
          at: '2000-02-29T00:00:00Z',
          ratio: -2.5e-7,
          qty: 0.5,
          blob: null,
          tags: ['x'],
          attrs: null,
          pt: null,
        },
      ],
    },
    { op: 'delete', where: 'id = 3' },
    { op: 'checkpoint' },
  ],
};

const ROW_1 =
  '{"id":9007199254740993,"store":"s1","amount":"12.30","day":"2026-11-25","at":"2026-11-25T14:03:11.123000Z",' +
  '"ratio":0.1,"qty":1.1,"blob":"AAEC/w==","tags":["a",null,"ü€"],"attrs":{"k":9223372036854775807},"pt":{"x":1,"y":"1.500"}}';
const ROW_2 =
  '{"id":-1,"store":"s2","amount":"-0.50","day":"1970-01-01","at":"1969-12-31T23:59:59.999999Z",' +
  '"ratio":"NaN","qty":"-Infinity","blob":null,"tags":[],"attrs":{},"pt":null}';
const ROW_3 =
  '{"id":3,"store":null,"amount":null,"day":null,"at":null,' +
  '"ratio":1e+21,"qty":100,"blob":"","tags":null,"attrs":null,"pt":{"x":null,"y":null}}';
const ROW_4 =
  '{"id":4,"store":"s1","amount":"9999999999999999.99","day":"2026-11-25","at":"2000-02-29T00:00:00.000000Z",' +
  '"ratio":-2.5e-7,"qty":0.5,"blob":null,"tags":["x"],"attrs":null,"pt":null}';

/** Version 0 is the first append; then the second append (1) and the delete (2); checkpoint adds no commit. */
const AT_VERSION_0 = [ROW_1, ROW_2, ROW_3].sort();
const LATEST = [ROW_1, ROW_2, ROW_4].sort();

const sorted = (rows: string[]): string[] => [...rows].sort();

describe('reference engine tooling (delta-spark + delta-rs via delta_tool.py)', () => {
  let dir = '';
  let bySpark = '';
  let byDeltaRs = '';
  let results: DeltaToolResult[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'python-tooling-'));
    bySpark = join(dir, 'by_spark');
    byDeltaRs = join(dir, 'by_deltars');
    // One process, one Spark JVM for every Spark command.
    results = await deltaToolBatch([
      { cmd: 'write', engine: 'spark', table: bySpark, spec: SPEC },
      { cmd: 'write', engine: 'deltars', table: byDeltaRs, spec: SPEC },
      { cmd: 'scan', engine: 'spark', table: bySpark },
      { cmd: 'scan', engine: 'spark', table: bySpark, version: 0 },
      { cmd: 'scan', engine: 'spark', table: byDeltaRs },
      { cmd: 'scan', engine: 'spark', table: join(dir, 'missing') },
    ]);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('both engines commit the spec as versions 0..2', () => {
    expect(results[0]).toEqual({ ok: true, rows: [], version: 2 });
    expect(results[1]).toEqual({ ok: true, rows: [], version: 2 });
  });

  it('Spark reads the Spark-written table exactly, latest and at version 0', () => {
    expect(sorted(rowsOf(results[2]))).toEqual(LATEST);
    expect(sorted(rowsOf(results[3]))).toEqual(AT_VERSION_0);
  });

  it('delta-rs reads the Spark-written table to the same lines as Spark', async () => {
    expect(sorted(await scanWith('deltars', bySpark))).toEqual(sorted(rowsOf(results[2])));
    expect(sorted(await scanWith('deltars', bySpark, 0))).toEqual(AT_VERSION_0);
  });

  it('both engines read the delta-rs-written table exactly', async () => {
    expect(sorted(rowsOf(results[4]))).toEqual(LATEST);
    expect(sorted(await scanWith('deltars', byDeltaRs))).toEqual(LATEST);
  });

  it('reports a failing command as a result instead of aborting the batch', () => {
    const missing = results[5];
    expect(missing?.ok).toBe(false);
    expect(missing?.ok === false ? missing.error : '').toMatch(/PATH_NOT_FOUND|does not exist/);
  });
});
