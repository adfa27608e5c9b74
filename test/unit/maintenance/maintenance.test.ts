/**
 * Table maintenance: compaction keeps the data identical and is safe beside writers; time travel to
 * before a compaction works until vacuum retention passes; vacuum never deletes what a snapshot within
 * retention needs; log cleanup only below an old checkpoint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { appendBatch, commitFiles, createTable } from '../../../shared/delta/table.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { rowToJson } from '../../../shared/delta/read/json-rows.js';
import { compact, planCompaction } from '../../../shared/delta/maintenance/optimize.js';
import { vacuum } from '../../../shared/delta/maintenance/vacuum.js';
import { checkpointNow, cleanupLog } from '../../../shared/delta/maintenance/log-cleanup.js';
import { parseCommit } from '../../../shared/delta/protocol/actions.js';
import { commitKey } from '../../../shared/delta/protocol/log-path.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { DeltaError } from '../../../shared/delta/errors.js';

const SCHEMA = struct(
  field('id', 'long', false),
  field('store_id', 'string'),
  field('amount', 'decimal(18,2)'),
  field('day', 'date'),
);
const DAY = 86_400_000;

function rows(from: number, n: number, day = 20_400) {
  const ids = Array.from({ length: n }, (_, i) => BigInt(from + i));
  return {
    id: ids,
    store_id: ids.map((i) => `S${Number(i) % 4}`),
    amount: ids.map((i) => i * 7n - 100n),
    day: ids.map(() => day + (Math.floor(from / 100) % 2)),
  };
}

async function tableLines(store: ObjectStore, version?: number): Promise<string[]> {
  const snap = await loadSnapshot(store, version === undefined ? {} : { version });
  return (await scanAll(snap)).map((r) => rowToJson(r, snap.schema)).sort();
}

async function smallFileTable(store: ObjectStore, batches = 20) {
  await createTable(store, { schema: SCHEMA, partitionColumns: ['day'] });
  for (let b = 0; b < batches; b++) await appendBatch(store, rows(b * 100, 10));
}

describe('compaction', () => {
  test('rewrites small files per partition with identical data and an OPTIMIZE commit at SnapshotIsolation', async () => {
    const store = new MemoryStore('c1');
    await smallFileTable(store);
    const before = await tableLines(store);
    const filesBefore = (await loadSnapshot(store)).files.length;
    const m = await compact(store, { targetFileSize: 1 << 20, clusterBy: ['store_id', 'id'] });
    expect(filesBefore).toBe(20);
    expect(m.filesAfter).toBe(2); // one per day partition
    expect(m.filesRemoved).toBe(20);
    expect(await tableLines(store)).toEqual(before);
    const commit = parseCommit(new TextDecoder().decode(await store.get(commitKey(m.versions[0] ?? -1))));
    const info = commit.find((a) => 'commitInfo' in a);
    expect(info && 'commitInfo' in info && info.commitInfo).toMatchObject({
      operation: 'OPTIMIZE',
      isolationLevel: 'SnapshotIsolation',
    });
    for (const a of commit) {
      if ('add' in a) expect(a.add.dataChange).toBe(false);
      if ('remove' in a) expect(a.remove).toMatchObject({ dataChange: false, extendedFileMetadata: true });
    }
    // rows inside each output file come out sorted by the clustering key
    const snap = await loadSnapshot(store);
    for (const file of snap.files) {
      const inFile = (await scanAll({ ...snap, files: [file] })).map(
        (r) => `${String(r.store_id)}|${String(r.id).padStart(6, '0')}`,
      );
      expect(inFile).toEqual([...inFile].sort());
    }
  });

  test('bounded work: a byte budget truncates the plan', async () => {
    const store = new MemoryStore('c2');
    await smallFileTable(store, 10);
    const snap = await loadSnapshot(store);
    const total = snap.files.reduce((n, f) => n + f.size, 0);
    const plan = planCompaction(snap, { targetFileSize: 1 << 20, maxBytesPerRun: Math.floor(total / 3) });
    expect(plan.truncated).toBe(true);
    expect(plan.bins.reduce((n, b) => n + b.bytes, 0)).toBeLessThanOrEqual(Math.floor(total / 3));
  });

  test('while 8 writers append and a pipeline rewrites a partition: nothing lost, nothing duplicated, nobody starved', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compact-race-'));
    const store = new LocalFsStore(dir);
    await smallFileTable(store, 16);
    const expected = new Set((await tableLines(store)).map((l) => (JSON.parse(l) as { id: number }).id));
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let b = 0; b < 4; b++) {
        const batch = rows(100_000 + w * 10_000 + b * 100, 5);
        const r = await appendBatch(store, batch);
        expect(r.kind).toBe('committed');
        batch.id.forEach((id) => expected.add(Number(id)));
      }
    });
    // "Gold-style" partition rewrite (replaceWhere): replace day 20400's files with one rewritten file.
    const rewriter = (async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const snap = await loadSnapshot(store);
        const victims = snap.files.filter((f) => f.partitionValues.day === '2025-11-07');
        const data = (await scanAll({ ...snap, files: victims })) as Record<string, unknown>[];
        const { writeDataFiles } = await import('../../../shared/delta/write/data-file-writer.js');
        const adds = await writeDataFiles(
          store,
          snap.schema,
          snap.partitionColumns,
          Object.fromEntries(SCHEMA.fields.map((f) => [f.name, data.map((r) => r[f.name])])),
        );
        const r = await commitFiles(
          snap,
          adds,
          victims.map((v) => ({
            path: v.path,
            dataChange: true,
            deletionTimestamp: Date.now(),
            extendedFileMetadata: true,
            partitionValues: v.partitionValues,
            size: v.size,
          })),
          'WRITE',
          {
            operationParameters: { mode: 'Overwrite', predicate: "day = '2025-11-07'" },
            readFiles: new Set(victims.map((v) => v.path)),
          },
        );
        if (r.kind === 'committed') return attempt;
      }
      throw new Error('partition rewrite starved');
    })();
    const compaction = compact(store, { targetFileSize: 1 << 20 });
    const [, rewriteAttempts, metrics] = await Promise.all([Promise.all(writers), rewriter, compaction]);
    const final = (await tableLines(store)).map((l) => (JSON.parse(l) as { id: number }).id);
    expect(final.length).toBe(expected.size);
    expect(new Set(final)).toEqual(expected);
    console.log(
      `compaction beside writers: ${metrics.commits} commits, ${metrics.conflicts} re-plans; partition rewrite attempts ${rewriteAttempts + 1}`,
    );
  }, 120_000);
});

describe('vacuum and time travel', () => {
  test('time travel before a compaction works until retention passes; vacuum then removes the old files', async () => {
    const store = new MemoryStore('v1');
    await smallFileTable(store, 6);
    const v = (await loadSnapshot(store)).version;
    const before = await tableLines(store, v);
    await compact(store, { targetFileSize: 1 << 20 });
    // Within retention: nothing referenced by a recent tombstone goes, and the old version still reads.
    const soon = await vacuum(store, { now: Date.now() + DAY });
    expect(soon.deleted).toEqual([]);
    expect(await tableLines(store, v)).toEqual(before);
    // After retention: the compaction inputs go, the current table is intact, old versions no longer read.
    const later = await vacuum(store, { now: Date.now() + 8 * DAY });
    expect(later.deleted.length).toBe(6);
    expect(await tableLines(store)).toEqual(before);
    await expect(tableLines(store, v)).rejects.toBeInstanceOf(DeltaError);
  });

  test('refuses a retention shorter than the table’s unless forced; dry-run deletes nothing', async () => {
    const store = new MemoryStore('v2');
    await smallFileTable(store, 3);
    await expect(vacuum(store, { retentionMs: 0 })).rejects.toThrow(/refusing to vacuum/);
    await store.put('day=2025-11-07/part-orphan.snappy.parquet', new Uint8Array([1, 2, 3]));
    const dry = await vacuum(store, { retentionMs: 0, force: true, dryRun: true, now: Date.now() + 1000 });
    expect(dry.deleted).toEqual(['day=2025-11-07/part-orphan.snappy.parquet']);
    expect(await store.head('day=2025-11-07/part-orphan.snappy.parquet')).toBeDefined();
  });

  test('orphans from crashed writers go only once older than the retention; the log is never touched', async () => {
    const store = new MemoryStore('v3');
    await smallFileTable(store, 2);
    await store.put('day=2025-11-07/part-crashed.snappy.parquet', new Uint8Array([9]));
    expect((await vacuum(store)).deleted).toEqual([]);
    const r = await vacuum(store, { now: Date.now() + 8 * DAY });
    expect(r.deleted).toEqual(['day=2025-11-07/part-crashed.snappy.parquet']);
    expect((await store.list('_delta_log/')).length).toBeGreaterThan(2);
    expect((await tableLines(store)).length).toBe(20);
  });
});

describe('checkpoint and log cleanup', () => {
  test('checkpoint on demand, then log files below an old checkpoint are removed and the table still loads', async () => {
    const store = new MemoryStore('l1');
    await smallFileTable(store, 4);
    const cp = await checkpointNow(store);
    expect(cp.version).toBe(4);
    expect((await cleanupLog(store)).deleted).toEqual([]); // nothing is 30 days old yet
    const r = await cleanupLog(store, { now: Date.now() + 31 * DAY });
    expect(r.belowCheckpoint).toBe(4);
    expect(r.deleted.sort()).toEqual([0, 1, 2, 3].map((v) => commitKey(v)));
    const snap = await loadSnapshot(store);
    expect(snap.version).toBe(4);
    expect((await scanAll(snap)).length).toBe(40);
  });
});
