/**
 * snapshotAfterCommit: the state after our own commit, replayed in memory, equals what a full load
 * reads back — and is refused when another commit came in between or the segment grew too long; a
 * checkpoint due at that version is written from it without reading the log again.
 */
import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { CountingStore } from '../../../shared/delta/storage/counting-store.js';
import { appendBatch, createTable, maybeCheckpoint } from '../../../shared/delta/table.js';
import {
  loadSnapshot,
  MAX_REFRESHED_COMMITS,
  snapshotAfterCommit,
  snapshotFromOwnCheckpoint,
  type Snapshot,
} from '../../../shared/delta/snapshot/snapshot.js';
import { tombstoneCutoff } from '../../../shared/delta/checkpoint/checkpoint-writer.js';
import { Transaction } from '../../../shared/delta/transaction/transaction.js';
import { writeDataFiles } from '../../../shared/delta/write/data-file-writer.js';
import { checkpointKey } from '../../../shared/delta/protocol/log-path.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';

const SCHEMA = struct(field('id', 'long'), field('store_id', 'string'));

const state = (s: Snapshot) => ({
  version: s.version,
  files: s.files.map((f) => [f.path, f.size, f.stats]).sort(),
  tombstones: s.tombstones.map((f) => f.path).sort(),
  txns: [...s.txns.entries()].sort(),
  metaAndProtocol: JSON.stringify([s.metadata, s.protocol], (_k, v: unknown) => (v === null ? undefined : v)),
  segment: [s.segment.checkpointVersion, s.segment.commits],
});

async function tableWith(n: number, config: Record<string, string> = {}) {
  const store = new MemoryStore('after-commit');
  await createTable(store, { schema: SCHEMA, configuration: config });
  for (let i = 1; i <= n; i++) await appendBatch(store, { id: [BigInt(i)], store_id: [`S${i}`] });
  return store;
}

/** A commit on `base`: one new file, the first file removed (at `deletedAt`), a watermark for stream-a. */
async function commitOn(base: Snapshot, deletedAt = Date.now()) {
  const adds = await writeDataFiles(base.store, base.schema, [], { id: [99n], store_id: ['N'] });
  const first = base.files[0];
  if (!first) throw new Error('no file');
  const tx = new Transaction({ store: base.store, readSnapshot: base, operation: 'WRITE', readFiles: 'all' })
    .addFiles(adds)
    .removeFiles([{ path: first.path, deletionTimestamp: deletedAt, dataChange: true }])
    .setTransaction('stream-a', 41);
  const result = await tx.commit();
  if (result.kind !== 'committed') throw new Error('not committed');
  return { version: result.version, actions: tx.actions() };
}

async function appendOn(base: Snapshot) {
  const adds = await writeDataFiles(base.store, base.schema, [], { id: [1n], store_id: ['A'] });
  const tx = new Transaction({ store: base.store, readSnapshot: base, operation: 'WRITE' }).addFiles(adds);
  const result = await tx.commit();
  if (result.kind !== 'committed') throw new Error('not committed');
  return { version: result.version, actions: tx.actions() };
}

describe('snapshotAfterCommit', () => {
  test('equals a full load of the new version and reads nothing', async () => {
    const store = await tableWith(4);
    const counting = new CountingStore(store);
    const base = await loadSnapshot(counting);
    const { version, actions } = await commitOn(base);
    counting.reset();
    const after = snapshotAfterCommit(base, version, actions);
    expect(counting.calls).toEqual([]);
    expect(after && state(after)).toEqual(state(await loadSnapshot(store)));
    expect(after?.txnVersion('stream-a')).toBe(41);
    // Snapshots of one schema share its object (the writer's per-schema caches are keyed by it).
    expect(after?.schema).toBe(base.schema);
    expect((await loadSnapshot(store)).schema).toBe(base.schema);
    expect(base.files).toHaveLength(4); // the base is not changed
  });

  test('is refused when another commit came between the base and ours', async () => {
    const store = await tableWith(2);
    const base = await loadSnapshot(store);
    await appendBatch(store, { id: [7n], store_id: ['other writer'] });
    const { version, actions } = await appendOn(base); // rebased onto the other commit
    expect(version).toBe(base.version + 2);
    expect(snapshotAfterCommit(base, version, actions)).toBeUndefined();
  });

  test('is refused once MAX_REFRESHED_COMMITS commits follow the checkpoint (a reload bounds the tombstones)', async () => {
    const store = await tableWith(0, { 'delta.checkpointInterval': '1000' });
    let snap = await loadSnapshot(store);
    for (let i = 0; i < MAX_REFRESHED_COMMITS - 1; i++) {
      const { version, actions } = await appendOn(snap);
      const next = snapshotAfterCommit(snap, version, actions);
      if (!next) throw new Error(`refused at ${version}`);
      snap = next;
    }
    expect(snap.segment.commits).toHaveLength(MAX_REFRESHED_COMMITS); // versions 0.., no checkpoint
    expect(state(snap)).toEqual(state(await loadSnapshot(store)));
    const { version, actions } = await appendOn(snap);
    expect(snapshotAfterCommit(snap, version, actions)).toBeUndefined();
  });

  test('a due checkpoint is written from it without reading the log, with the same content', async () => {
    const store = await tableWith(8, { 'delta.checkpointInterval': '10' });
    const counting = new CountingStore(store);
    const base = await loadSnapshot(counting);
    const { version, actions } = await commitOn(base); // version 9
    const at9 = snapshotAfterCommit(base, version, actions);
    if (!at9) throw new Error('refused');
    const second = await commitOn(at9, 1000); // version 10: due; its tombstone long expired
    const at10 = snapshotAfterCommit(at9, second.version, second.actions);
    counting.reset();
    const now = Date.now();
    expect(await maybeCheckpoint(counting, 10, at10, now)).toBe(true);
    // No log listing, no commit or checkpoint read (only the _last_checkpoint hint it must not regress).
    expect(counting.keys('list')).toEqual([]);
    expect(counting.keys('get').filter((k) => /\.(json|parquet)$/.test(k))).toEqual([]);
    expect(await store.head(checkpointKey(10))).toBeDefined();
    const fromCheckpoint = await loadSnapshot(store);
    expect(fromCheckpoint.segment.checkpointVersion).toBe(10);
    expect(state(fromCheckpoint).files).toEqual(at10 && state(at10).files);
    expect(fromCheckpoint.txnVersion('stream-a')).toBe(41);
    // Continuing from our own checkpoint: what a fresh load reads, expired tombstone dropped.
    expect(at10?.tombstones).toHaveLength(2);
    const rebased = at10 && snapshotFromOwnCheckpoint(at10, tombstoneCutoff(at10, now));
    expect(rebased && state(rebased)).toEqual(state(fromCheckpoint));
    expect(rebased?.tombstones).toHaveLength(1);
    expect(rebased?.segment.commits).toEqual([]);
  });
});
