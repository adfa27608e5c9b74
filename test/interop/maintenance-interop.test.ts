/**
 * After compaction, an on-demand checkpoint and vacuum, delta-spark and delta-rs still read exactly
 * the rows that were written — and time travel to before the compaction matches until vacuum runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { appendBatch, createTable } from '../../shared/delta/table.js';
import { loadSnapshot } from '../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../shared/delta/read/scan.js';
import { rowToJson } from '../../shared/delta/read/json-rows.js';
import { compact } from '../../shared/delta/maintenance/optimize.js';
import { vacuum } from '../../shared/delta/maintenance/vacuum.js';
import { checkpointNow } from '../../shared/delta/maintenance/log-cleanup.js';
import { field, struct } from '../../shared/delta/protocol/schema.js';
import { deltaToolBatch, rowsOf } from '../support/python.js';
import type { DeltaToolResult } from '../support/python.js';

const SCHEMA = struct(field('id', 'long', false), field('store_id', 'string'), field('occurred_at', 'timestamp'), field('net', 'decimal(18,2)'), field('day', 'date'));
let dir = '';
let expected: string[] = [];
let preCompactionVersion = 0;
let results: DeltaToolResult[] = [];
let compactedFiles = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maint-interop-'));
  const store = new LocalFsStore(dir);
  await createTable(store, { schema: SCHEMA, partitionColumns: ['day'] });
  for (let b = 0; b < 24; b++) {
    const ids = Array.from({ length: 8 }, (_, i) => BigInt(b * 100 + i));
    await appendBatch(store, {
      id: ids,
      store_id: ids.map((i) => `S${i % 5n}`),
      occurred_at: ids.map((i) => 1_764_000_000_000_000n + i * 1_000_003n),
      net: ids.map((i) => i * 101n - 999n),
      day: ids.map(() => 20_400 + (b % 3)),
    });
  }
  const snap = await loadSnapshot(store);
  preCompactionVersion = snap.version;
  expected = (await scanAll(snap)).map((r) => rowToJson(r, SCHEMA)).sort();
  const m = await compact(store, { targetFileSize: 1 << 20, clusterBy: ['store_id', 'occurred_at'] });
  compactedFiles = m.filesAfter;
  await checkpointNow(store);
  results = await deltaToolBatch([
    { cmd: 'scan', engine: 'spark', table: dir, version: preCompactionVersion },
    { cmd: 'scan', engine: 'deltars', table: dir, version: preCompactionVersion },
  ]);
  const v = await vacuum(store, { now: Date.now() + 8 * 86_400_000 });
  expect(v.deleted.length).toBe(24);
  results.push(
    ...(await deltaToolBatch([
      { cmd: 'scan', engine: 'spark', table: dir },
      { cmd: 'scan', engine: 'deltars', table: dir },
    ])),
  );
}, 900_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('compaction left one file per partition and identical data for us', async () => {
  expect(compactedFiles).toBe(3);
  const snap = await loadSnapshot(new LocalFsStore(dir));
  expect((await scanAll(snap)).map((r) => rowToJson(r, SCHEMA)).sort()).toEqual(expected);
});

test('before vacuum, both engines time-travel to the pre-compaction version', () => {
  expect(rowsOf(results[0]).sort()).toEqual(expected);
  expect(rowsOf(results[1]).sort()).toEqual(expected);
});

test('after compaction, checkpoint and vacuum, Spark and delta-rs read exactly the same rows', () => {
  expect(rowsOf(results[2]).sort()).toEqual(expected);
  expect(rowsOf(results[3]).sort()).toEqual(expected);
});
