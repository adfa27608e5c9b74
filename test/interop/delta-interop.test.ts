/**
 * Interoperability, both ways, with the real reference engines (delta-spark in local Spark, and
 * delta-rs through Python `deltalake`):
 * - tables written by this library (partitioned with awkward partition values and unpartitioned,
 *   twelve appends so a checkpoint is written, a DELETE-style remove) read row-for-row identically by
 *   Spark and delta-rs, at the latest version and by time travel;
 * - tables written by Spark and by delta-rs (appends, delete, checkpoint, optimize) read by us exactly
 *   as those engines read them.
 * Needs the venv from scripts/setup-python.sh: without it this test fails, it never skips.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { appendBatch, commitFiles, createTable } from '../../shared/delta/table.js';
import { loadSnapshot } from '../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../shared/delta/read/scan.js';
import { rowToJson } from '../../shared/delta/read/json-rows.js';
import { field, struct } from '../../shared/delta/protocol/schema.js';
import type { StructType } from '../../shared/delta/protocol/schema.js';
import type { ColumnBatch } from '../../shared/delta/write/data-file-writer.js';
import { deltaToolBatch, rowsOf } from '../support/python.js';
import type { DeltaToolCommand, DeltaToolResult, WriteSpec } from '../support/python.js';

const SCHEMA: StructType = struct(
  field('event_id', 'string', false),
  field('seq', 'long', false),
  field('qty', 'integer'),
  field('small', 'short'),
  field('tiny', 'byte'),
  field('price', 'decimal(18,2)'),
  field('big', 'decimal(38,10)'),
  field('ratio', 'double'),
  field('f', 'float'),
  field('ok', 'boolean'),
  field('raw', 'binary'),
  field('occurred_at', 'timestamp'),
  field('lines', {
    type: 'array',
    elementType: struct(field('sku', 'string'), field('amount', 'decimal(18,2)')),
    containsNull: true,
  }),
  field('attrs', { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true }),
  field('customer', struct(field('id', 'string'), field('points', 'long'))),
  field('store_id', 'string'),
  field('day', 'date'),
);

const STORES = ['S0001', 'S 02:α%', null, 'S=3/#?'];

function batch(b: number, rows: number): { columns: ColumnBatch; rows: Record<string, unknown>[] } {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const n = b * 1000 + i;
    out.push({
      event_id: `e-${n}`,
      seq: 9_007_199_254_740_993n + BigInt(n),
      qty: i % 5 === 0 ? null : i - 2,
      small: (i % 300) - 150,
      tiny: (i % 200) - 100,
      price: BigInt(n * 37 - 500),
      big: 10n ** 27n + BigInt(n) * 12_345_678_901n,
      ratio: i % 7 === 0 ? Number.NaN : n / 3,
      f: Math.fround(n / 8),
      ok: i % 3 === 0 ? null : i % 2 === 0,
      raw: i % 4 === 0 ? null : new Uint8Array([n & 255, 0, 255]),
      occurred_at: 1_764_079_391_123_456n + BigInt(n) * 1_000_001n - 10n ** 15n * BigInt(i % 2),
      lines:
        i % 6 === 0
          ? null
          : [
              { sku: `SKU-${i}`, amount: BigInt(i * 100 + 5) },
              { sku: null, amount: null },
            ],
      attrs:
        i % 5 === 1
          ? null
          : new Map([
              ['k', `v${i}`],
              ['unicode', 'ü€😀'],
            ]),
      customer: i % 4 === 2 ? null : { id: i % 3 ? `C${i}` : null, points: BigInt(i) },
      store_id: STORES[i % STORES.length],
      day: 20_000 + (i % 3) - 1 * (i % 2) * 8000,
    });
  }
  const columns: ColumnBatch = Object.fromEntries(
    SCHEMA.fields.map((f) => [f.name, out.map((r) => r[f.name])]),
  );
  return { columns, rows: out };
}

const SPARK_SPEC: WriteSpec = {
  schema: struct(
    field('id', 'long'),
    field('store', 'string'),
    field('amount', 'decimal(18,2)'),
    field('at', 'timestamp'),
    field('day', 'date'),
  ),
  partitionBy: ['day'],
  steps: [
    {
      op: 'append',
      rows: Array.from({ length: 20 }, (_, i) => ({
        id: i,
        store: `S${i % 3}`,
        amount: `${i}.0${i % 10}`,
        at: `2026-11-2${i % 5}T10:00:0${i % 10}.12345${i % 10}Z`,
        day: `2026-11-2${i % 3}`,
      })),
    },
    {
      op: 'append',
      rows: Array.from({ length: 5 }, (_, i) => ({
        id: 100 + i,
        store: null,
        amount: null,
        at: null,
        day: null,
      })),
    },
    { op: 'delete', where: 'id % 4 = 1' },
    { op: 'checkpoint' },
    {
      op: 'append',
      rows: [
        { id: 1000, store: 'late', amount: '-1.50', at: '1999-12-31T23:59:59.999999Z', day: '1999-12-31' },
      ],
    },
    { op: 'optimize' },
  ],
};

const sorted = (xs: string[]) => [...xs].sort();
let dir = '';
let partitioned = '';
let flat = '';
let expectedLatest: string[] = [];
let expectedAt5: string[] = [];
let expectedFlat: string[] = [];
let results: DeltaToolResult[] = [];
const cmds: DeltaToolCommand[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delta-interop-'));
  partitioned = path.join(dir, 'ours_partitioned');
  flat = path.join(dir, 'ours_flat');

  const store = new LocalFsStore(partitioned);
  await createTable(store, { schema: SCHEMA, partitionColumns: ['store_id', 'day'] });
  const written: Record<string, unknown>[][] = [];
  for (let b = 0; b < 12; b++) {
    const { columns, rows } = batch(b, 25);
    const r = await appendBatch(store, columns);
    expect(r.kind).toBe('committed');
    written.push(rows);
    if (r.kind === 'committed' && r.version === 5) {
      expectedAt5 = written.flat().map((row) => rowToJson(row, SCHEMA));
    }
  }
  // DELETE-style commit: remove every file of one partition (store S0001).
  const snap = await loadSnapshot(store);
  expect(snap.segment.checkpointVersion).toBe(10);
  const victims = snap.files.filter((f) => f.partitionValues.store_id === 'S0001');
  expect(victims.length).toBeGreaterThan(0);
  const removed = await commitFiles(
    snap,
    [],
    victims.map((a) => ({
      path: a.path,
      dataChange: true,
      deletionTimestamp: Date.now(),
      extendedFileMetadata: true,
      partitionValues: a.partitionValues,
      size: a.size,
    })),
    'DELETE',
    {
      operationParameters: { predicate: '["store_id = S0001"]' },
      readFiles: new Set(victims.map((v) => v.path)),
    },
  );
  expect(removed.kind).toBe('committed');
  expectedLatest = written
    .flat()
    .filter((r) => r.store_id !== 'S0001')
    .map((row) => rowToJson(row, SCHEMA));

  const flatStore = new LocalFsStore(flat);
  const flatSchema = struct(...SCHEMA.fields.filter((f) => f.name !== 'store_id' && f.name !== 'day'));
  await createTable(flatStore, { schema: flatSchema });
  const flatRows: Record<string, unknown>[] = [];
  for (let b = 0; b < 3; b++) {
    const { rows } = batch(b, 40);
    const columns = Object.fromEntries(flatSchema.fields.map((f) => [f.name, rows.map((r) => r[f.name])]));
    await appendBatch(flatStore, columns);
    flatRows.push(...rows);
  }
  expectedFlat = flatRows.map((r) => rowToJson(r, flatSchema));

  cmds.push(
    { cmd: 'scan', engine: 'spark', table: partitioned },
    { cmd: 'scan', engine: 'deltars', table: partitioned },
    { cmd: 'scan', engine: 'spark', table: partitioned, version: 5 },
    { cmd: 'scan', engine: 'deltars', table: partitioned, version: 5 },
    { cmd: 'scan', engine: 'spark', table: flat },
    { cmd: 'scan', engine: 'deltars', table: flat },
    { cmd: 'write', engine: 'spark', table: path.join(dir, 'by_spark'), spec: SPARK_SPEC },
    { cmd: 'scan', engine: 'spark', table: path.join(dir, 'by_spark') },
    { cmd: 'scan', engine: 'spark', table: path.join(dir, 'by_spark'), version: 2 },
    { cmd: 'write', engine: 'deltars', table: path.join(dir, 'by_deltars'), spec: SPARK_SPEC },
    { cmd: 'scan', engine: 'deltars', table: path.join(dir, 'by_deltars') },
  );
  results = await deltaToolBatch(cmds);
}, 900_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('tables written by pos-lakehouse', () => {
  test('our own scan returns exactly the rows written (minus the deleted partition)', async () => {
    const snap = await loadSnapshot(new LocalFsStore(partitioned));
    expect(sorted((await scanAll(snap)).map((r) => rowToJson(r, SCHEMA)))).toEqual(sorted(expectedLatest));
    expect(expectedLatest.length).toBe(12 * 25 - 12 * Math.ceil(25 / 4));
  });

  test('Spark reads them row for row', () => {
    expect(sorted(rowsOf(results[0]))).toEqual(sorted(expectedLatest));
    expect(sorted(rowsOf(results[4]))).toEqual(sorted(expectedFlat));
  });

  test('delta-rs reads them row for row', () => {
    expect(sorted(rowsOf(results[1]))).toEqual(sorted(expectedLatest));
    expect(sorted(rowsOf(results[5]))).toEqual(sorted(expectedFlat));
  });

  test('both engines time-travel to version 5 (before the checkpoint and the delete)', () => {
    expect(expectedAt5.length).toBe(5 * 25);
    expect(sorted(rowsOf(results[2]))).toEqual(sorted(expectedAt5));
    expect(sorted(rowsOf(results[3]))).toEqual(sorted(expectedAt5));
  });
});

describe('tables written by delta-spark and delta-rs', () => {
  test('we read the Spark-written table exactly as Spark does, latest and by time travel', async () => {
    expect(results[6]?.ok).toBe(true);
    const store = new LocalFsStore(path.join(dir, 'by_spark'));
    const latest = await loadSnapshot(store);
    expect(sorted((await scanAll(latest)).map((r) => rowToJson(r, latest.schema)))).toEqual(
      sorted(rowsOf(results[7])),
    );
    const v2 = await loadSnapshot(store, { version: 2 });
    expect(sorted((await scanAll(v2)).map((r) => rowToJson(r, v2.schema)))).toEqual(
      sorted(rowsOf(results[8])),
    );
    expect(rowsOf(results[7]).length).toBe(20); // 25 appended, 6 deleted (id % 4 = 1), 1 late row
  });

  test('we read the delta-rs-written table exactly as delta-rs does', async () => {
    expect(results[9]?.ok).toBe(true);
    const snap = await loadSnapshot(new LocalFsStore(path.join(dir, 'by_deltars')));
    expect(sorted((await scanAll(snap)).map((r) => rowToJson(r, snap.schema)))).toEqual(
      sorted(rowsOf(results[10])),
    );
  });
});
