/**
 * Snapshot loading: `_last_checkpoint` is only a hint, replay after a checkpoint reads only newer
 * commits, multi-part checkpoints, time travel, gaps, and schema evolution (columns missing from old
 * files read as null).
 */
import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { CountingStore } from '../../../shared/delta/storage/counting-store.js';
import { appendBatch, createTable } from '../../../shared/delta/table.js';
import {
  loadSnapshot,
  MAX_REFRESHED_COMMITS,
  refreshSnapshot,
  type Snapshot,
} from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { Transaction } from '../../../shared/delta/transaction/transaction.js';
import { CHECKPOINT_SCHEMA } from '../../../shared/delta/checkpoint/checkpoint-writer.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { readCheckpoint } from '../../../shared/delta/snapshot/checkpoint-reader.js';
import { checkpointKey, commitKey, LAST_CHECKPOINT, pad20 } from '../../../shared/delta/protocol/log-path.js';
import { field, schemaToString, struct } from '../../../shared/delta/protocol/schema.js';
import { DeltaError } from '../../../shared/delta/errors.js';

const SCHEMA = struct(field('id', 'long'), field('store_id', 'string'));

async function tableWithCommits(n: number, config: Record<string, string> = {}) {
  const store = new MemoryStore('snap');
  await createTable(store, { schema: SCHEMA, configuration: config });
  for (let i = 1; i <= n; i++) {
    const r = await appendBatch(store, { id: [BigInt(i)], store_id: [`S${i}`] });
    expect(r.kind).toBe('committed');
  }
  return store;
}

const ids = async (store: MemoryStore | CountingStore, version?: number) =>
  (await scanAll(await loadSnapshot(store, version === undefined ? {} : { version })))
    .map((r) => r.id as bigint)
    .sort((a, b) => Number(a - b));

describe('checkpoints and _last_checkpoint', () => {
  test('checkpoints are written every delta.checkpointInterval commits and replay then reads only newer commits', async () => {
    const store = await tableWithCommits(23, { 'delta.checkpointInterval': '10' });
    expect(await store.head(checkpointKey(10))).toBeDefined();
    expect(await store.head(checkpointKey(20))).toBeDefined();
    expect(await store.head(checkpointKey(15))).toBeUndefined();
    const counting = new CountingStore(store);
    const snap = await loadSnapshot(counting);
    expect(snap.version).toBe(23);
    expect(snap.segment.checkpointVersion).toBe(20);
    const commitsRead = counting.keys('get').filter((k) => k.endsWith('.json'));
    expect(commitsRead).toEqual([21, 22, 23].map((v) => commitKey(v)));
    expect(await ids(store)).toEqual(Array.from({ length: 23 }, (_, i) => BigInt(i + 1)));
  });

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['corrupt', '{"version": "ten"'],
    ['stale (points at an older checkpoint)', '{"version":10,"size":3}'],
    ['pointing at a checkpoint that does not exist', '{"version":22,"size":3}'],
  ])('_last_checkpoint %s still loads the right state', async (_name, content) => {
    const store = await tableWithCommits(23, { 'delta.checkpointInterval': '10' });
    if (content === undefined) await store.delete(LAST_CHECKPOINT);
    else await store.put(LAST_CHECKPOINT, new TextEncoder().encode(content));
    const snap = await loadSnapshot(store);
    expect(snap.version).toBe(23);
    expect(snap.files).toHaveLength(23);
    expect(snap.segment.checkpointVersion).toBe(20);
  });

  test('a multi-part checkpoint is read as one', async () => {
    const store = await tableWithCommits(4, { 'delta.checkpointInterval': '100' });
    const snap = await loadSnapshot(store);
    const single = await readCheckpoint(store, [await writeSingle(store, snap.version)], 'x');
    // Split the same rows into two parts with the multi-part naming.
    const rows = await rowsOf(store, snap.version);
    const half = Math.ceil(rows.length / 2);
    const parts = [rows.slice(0, half), rows.slice(half)];
    for (const [i, part] of parts.entries()) {
      const columns = CHECKPOINT_SCHEMA.fields.map((f) => part.map((r) => r[f.name] ?? null));
      await store.put(
        `_delta_log/${pad20(snap.version)}.checkpoint.${String(i + 1).padStart(10, '0')}.0000000002.parquet`,
        writeParquet(CHECKPOINT_SCHEMA, columns),
      );
    }
    await store.delete(checkpointKey(snap.version));
    for (let v = 0; v <= snap.version; v++) await store.delete(commitKey(v));
    const fromParts = await loadSnapshot(store);
    expect(fromParts.segment.checkpointKeys).toHaveLength(2);
    expect(fromParts.files.map((f) => f.path).sort()).toEqual(snap.files.map((f) => f.path).sort());
    expect(single.length).toBe(rows.length);
  });

  test('an incomplete multi-part checkpoint is ignored', async () => {
    const store = await tableWithCommits(3);
    await store.put(
      `_delta_log/${pad20(2)}.checkpoint.0000000001.0000000002.parquet`,
      new Uint8Array([1, 2, 3]),
    );
    const snap = await loadSnapshot(store);
    expect(snap.segment.checkpointVersion).toBeUndefined();
    expect(snap.version).toBe(3);
  });
});

describe('versions', () => {
  test('time travel reads each version exactly', async () => {
    const store = await tableWithCommits(12, { 'delta.checkpointInterval': '5' });
    for (const v of [0, 1, 4, 5, 6, 10, 12]) {
      expect(await ids(store, v)).toEqual(Array.from({ length: v }, (_, i) => BigInt(i + 1)));
    }
    await expect(loadSnapshot(store, { version: 13 })).rejects.toMatchObject({ kind: 'MissingVersion' });
  });

  test('a gap in the commits after the last checkpoint is an error, not a partial table', async () => {
    const store = await tableWithCommits(6, { 'delta.checkpointInterval': '100' });
    await store.delete(commitKey(3));
    await expect(loadSnapshot(store)).rejects.toSatisfy(
      (e: unknown) => e instanceof DeltaError && e.kind === 'MissingVersion',
    );
  });
});

test('schema evolution: a column added later reads as null in older files', async () => {
  const store = await tableWithCommits(2);
  const snap = await loadSnapshot(store);
  const evolved = struct(...SCHEMA.fields, field('channel', 'string'));
  await new Transaction({ store, readSnapshot: snap, operation: 'ADD COLUMNS' })
    .updateMetadata({ ...snap.metadata, schemaString: schemaToString(evolved) })
    .commit();
  await appendBatch(store, { id: [3n], store_id: ['S3'], channel: ['web'] });
  const rows = await scanAll(await loadSnapshot(store));
  expect(rows.map((r) => [r.id, r.channel]).sort()).toEqual([
    [1n, null],
    [2n, null],
    [3n, 'web'],
  ]);
});

async function writeSingle(store: MemoryStore, version: number): Promise<string> {
  const { writeCheckpoint } = await import('../../../shared/delta/checkpoint/checkpoint-writer.js');
  const r = await writeCheckpoint(await loadSnapshot(store, { version }));
  return r.key;
}

async function rowsOf(store: MemoryStore, version: number): Promise<Record<string, unknown>[]> {
  const { readParquetObject } = await import('../../../shared/delta/read/parquet-file.js');
  const raw = await readParquetObject(store, checkpointKey(version));
  // Re-encode the raw rows in the value model the writer expects.
  return raw.rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === null || v === undefined) continue;
      out[k] = JSON.parse(
        JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)),
        (_k, x: unknown) => (typeof x === 'string' && /^-?\d+n$/.test(x) ? BigInt(x.slice(0, -1)) : x),
      ) as unknown;
    }
    return out;
  });
}

describe('refreshSnapshot', () => {
  const state = (s: Snapshot) => ({
    version: s.version,
    files: s.files.map((f) => f.path).sort(),
    tombstones: s.tombstones.map((f) => f.path).sort(),
    txns: [...s.txns.entries()].sort(),
    // a checkpoint spells absent optional fields as null
    metaAndProtocol: JSON.stringify([s.metadata, s.protocol], (_k, v: unknown) =>
      v === null ? undefined : v,
    ),
  });

  test('replays only the commits after the base, across a checkpoint, and equals a full load', async () => {
    const store = await tableWithCommits(8, { 'delta.checkpointInterval': '10' });
    const counting = new CountingStore(store);
    const base = await loadSnapshot(counting);
    // another writer: appends with a txn, a delete of the first file, a checkpoint at 10
    const first = base.files[0];
    if (!first) throw new Error('no file');
    const deleted = await new Transaction({
      store,
      readSnapshot: base,
      operation: 'DELETE',
      readFiles: 'all',
    })
      .removeFiles([{ path: first.path, deletionTimestamp: Date.now(), dataChange: true }])
      .setTransaction('stream-a', 7)
      .commit();
    expect(deleted.kind).toBe('committed');
    for (let i = 0; i < 4; i++) await appendBatch(store, { id: [100n + BigInt(i)], store_id: ['X'] });
    expect(await store.head(checkpointKey(10))).toBeDefined();

    const readBefore = counting.keys('get').length;
    const refreshed = await refreshSnapshot(base);
    expect(counting.keys('get').slice(readBefore)).toEqual([9, 10, 11, 12, 13].map((v) => commitKey(v)));
    expect(state(refreshed)).toEqual(state(await loadSnapshot(store)));
    expect(refreshed.txnVersion('stream-a')).toBe(7);
    // the base is unchanged, and nothing new returns the same snapshot
    expect(state(base).files).toHaveLength(8);
    expect(await refreshSnapshot(refreshed)).toBe(refreshed);
  });

  test('starts again from the checkpoint once MAX_REFRESHED_COMMITS commits separate the result from it', async () => {
    const store = await tableWithCommits(1, { 'delta.checkpointInterval': '50' });
    let snap = await loadSnapshot(store);
    for (let i = 0; i < MAX_REFRESHED_COMMITS + 1; i++) {
      await appendBatch(store, { id: [300n + BigInt(i)], store_id: ['Z'] });
      snap = await refreshSnapshot(snap);
    }
    expect(snap.version).toBe(MAX_REFRESHED_COMMITS + 2);
    expect(snap.segment.checkpointVersion).toBe(MAX_REFRESHED_COMMITS);
    expect(snap.segment.commits.length).toBeLessThanOrEqual(2);
    expect(state(snap)).toEqual(state(await loadSnapshot(store)));
  });

  test('falls back to a full load when commits after the base were cleaned up', async () => {
    const store = await tableWithCommits(3, { 'delta.checkpointInterval': '10' });
    const base = await loadSnapshot(store);
    for (let i = 0; i < 9; i++) await appendBatch(store, { id: [200n + BigInt(i)], store_id: ['Y'] });
    await store.delete(commitKey(4)); // below the checkpoint at 10: a full load does not need it
    const refreshed = await refreshSnapshot(base);
    expect(state(refreshed)).toEqual(state(await loadSnapshot(store)));
    expect(refreshed.version).toBe(12);
  });
});
