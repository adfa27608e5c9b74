import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore, PutIfAbsentResult } from '../../../shared/delta/storage/object-store.js';
import { createTable, DEFAULT_PROTOCOL } from '../../../shared/delta/table.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { Transaction } from '../../../shared/delta/transaction/transaction.js';
import { commitKey } from '../../../shared/delta/protocol/log-path.js';
import { parseCommit } from '../../../shared/delta/protocol/actions.js';
import { DeltaError } from '../../../shared/delta/errors.js';
import { SIMPLE_SCHEMA, fakeAdd } from '../../support/delta-fixtures.js';

async function newTable(config: Record<string, string> = {}) {
  const store = new MemoryStore('t');
  await createTable(store, { schema: SIMPLE_SCHEMA, partitionColumns: ['store_id'], configuration: config });
  return store;
}

describe('transactions', () => {
  test('create writes commitInfo first, then protocol 1/2 and metaData, and never overwrites', async () => {
    const store = await newTable();
    const actions = parseCommit(new TextDecoder().decode(await store.get(commitKey(0))));
    expect(Object.keys(actions[0] ?? {})).toEqual(['commitInfo']);
    expect(actions.find((a) => 'protocol' in a)).toEqual({ protocol: DEFAULT_PROTOCOL });
    const again = await createTable(store, { schema: SIMPLE_SCHEMA });
    expect(again.kind).toBe('exists');
    expect(again.snapshot.partitionColumns).toEqual(['store_id']);
  });

  test('16 concurrent blind appends from the same snapshot all land, versions contiguous', async () => {
    const store = await newTable();
    const snapshot = await loadSnapshot(store);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
          .addFiles([fakeAdd(`f${i}`, { store_id: 'S1' })])
          .commit(),
      ),
    );
    expect(results.every((r) => r.kind === 'committed')).toBe(true);
    const versions = results.map((r) => (r.kind === 'committed' ? r.version : -1)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const latest = await loadSnapshot(store);
    expect(latest.files.map((f) => f.path).sort()).toEqual(
      Array.from({ length: 16 }, (_, i) => `f${i}`).sort(),
    );
  });

  test('two writers with the same txn appId: exactly one commits, the other sees ConcurrentTransaction', async () => {
    const store = await newTable();
    const snapshot = await loadSnapshot(store);
    const mk = (p: string) =>
      new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
        .addFiles([fakeAdd(p)])
        .setTransaction('cg-p0', 99)
        .commit();
    const [a, b] = await Promise.all([mk('a'), mk('b')]);
    expect([a.kind, b.kind].sort()).toEqual(['committed', 'conflict']);
    const lost = a.kind === 'conflict' ? a : b;
    expect(lost.kind === 'conflict' && lost.conflict.kind).toBe('ConcurrentTransaction');
    expect((await loadSnapshot(store)).txnVersion('cg-p0')).toBe(99);
  });

  test('different appIds do not conflict and both watermarks are kept', async () => {
    const store = await newTable();
    const snapshot = await loadSnapshot(store);
    await Promise.all(
      ['p0', 'p1'].map((p) =>
        new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
          .addFiles([fakeAdd(p)])
          .setTransaction(p, 7)
          .commit(),
      ),
    );
    const latest = await loadSnapshot(store);
    expect([latest.txnVersion('p0'), latest.txnVersion('p1'), latest.txnVersion('p2')]).toEqual([7, 7, -1]);
  });

  test('a concurrent metadata change aborts an append', async () => {
    const store = await newTable();
    const snapshot = await loadSnapshot(store);
    await new Transaction({ store, readSnapshot: snapshot, operation: 'SET TBLPROPERTIES' })
      .updateMetadata({ ...snapshot.metadata, configuration: { 'delta.checkpointInterval': '5' } })
      .commit();
    const r = await new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
      .addFiles([fakeAdd('x')])
      .commit();
    expect(r.kind === 'conflict' && r.conflict.kind).toBe('MetadataChanged');
  });

  test('compaction (dataChange=false) does not conflict with concurrent appends but does with a concurrent delete of its inputs', async () => {
    const store = await newTable();
    let snapshot = await loadSnapshot(store);
    await new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
      .addFiles([fakeAdd('a'), fakeAdd('b')])
      .commit();
    snapshot = await loadSnapshot(store);
    const compact = () =>
      new Transaction({ store, readSnapshot: snapshot, operation: 'OPTIMIZE' })
        .removeFiles(
          ['a', 'b'].map((path) => ({
            path,
            dataChange: false,
            deletionTimestamp: 1,
            extendedFileMetadata: true,
            partitionValues: {},
            size: 100,
          })),
        )
        .addFiles([fakeAdd('ab', {}, false)]);
    await new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
      .addFiles([fakeAdd('c')])
      .commit();
    const first = await compact().commit();
    expect(first.kind).toBe('committed');
    const actions = parseCommit(
      new TextDecoder().decode(await store.get(commitKey(first.kind === 'committed' ? first.version : 0))),
    );
    expect(actions[0] && 'commitInfo' in actions[0] && actions[0].commitInfo.isolationLevel).toBe(
      'SnapshotIsolation',
    );
    const second = await compact().commit();
    expect(second.kind === 'conflict' && second.conflict.kind).toBe('ConcurrentDeleteDelete');
    expect((await loadSnapshot(store)).files.map((f) => f.path).sort()).toEqual(['ab', 'c']);
  });

  test('a delete of a file another transaction read conflicts (delete-read)', async () => {
    const store = await newTable();
    await new Transaction({ store, readSnapshot: await loadSnapshot(store), operation: 'WRITE' })
      .addFiles([fakeAdd('a'), fakeAdd('b')])
      .commit();
    const snapshot = await loadSnapshot(store);
    const remove = (path: string) => ({ path, dataChange: true, deletionTimestamp: 1 });
    await new Transaction({ store, readSnapshot: snapshot, operation: 'DELETE' })
      .removeFiles([remove('a')])
      .commit();
    const r = await new Transaction({
      store,
      readSnapshot: snapshot,
      operation: 'UPDATE',
      readFiles: new Set(['a']),
    })
      .removeFiles([remove('b')])
      .commit();
    expect(r.kind === 'conflict' && r.conflict.kind).toBe('ConcurrentDeleteRead');
  });

  test('an ambiguous outcome (our own write reported as exists) is recognised by txnId', async () => {
    const inner = await newTable();
    let first = true;
    const flaky: ObjectStore = {
      description: inner.description,
      get: (k) => inner.get(k),
      getRange: (k, s, e) => inner.getRange(k, s, e),
      head: (k) => inner.head(k),
      list: (p, o) => inner.list(p, o),
      put: (k, d) => inner.put(k, d),
      delete: (k) => inner.delete(k),
      putIfAbsent: async (key: string, data: Uint8Array): Promise<PutIfAbsentResult> => {
        const r = await inner.putIfAbsent(key, data);
        if (first && r.kind === 'created') {
          first = false;
          return { kind: 'exists' }; // what an SDK retry of our own successful PUT looks like
        }
        return r;
      },
    };
    const snapshot = await loadSnapshot(inner);
    const r = await new Transaction({ store: flaky, readSnapshot: snapshot, operation: 'WRITE' })
      .addFiles([fakeAdd('a')])
      .commit();
    expect(r).toMatchObject({ kind: 'committed', version: 1 });
    expect((await loadSnapshot(inner)).version).toBe(1);
  });

  test('append-only tables refuse data-changing removes', async () => {
    const store = await newTable({ 'delta.appendOnly': 'true' });
    const snapshot = await loadSnapshot(store);
    await expect(
      new Transaction({ store, readSnapshot: snapshot, operation: 'DELETE' })
        .removeFiles([{ path: 'x', dataChange: true }])
        .commit(),
    ).rejects.toBeInstanceOf(DeltaError);
  });

  test('writers refuse tables with writer features they do not implement', async () => {
    const store = await newTable();
    const snapshot = await loadSnapshot(store);
    const protocol = {
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['changeDataFeed', 'appendOnly'],
    };
    expect(
      () => new Transaction({ store, readSnapshot: { ...snapshot, protocol }, operation: 'WRITE' }),
    ).toThrow(/changeDataFeed/);
  });

  test('the same file twice in one commit is refused', async () => {
    const store = await newTable();
    const t = new Transaction({
      store,
      readSnapshot: await loadSnapshot(store),
      operation: 'WRITE',
    }).addFiles([fakeAdd('a'), fakeAdd('a')]);
    await expect(t.commit()).rejects.toThrow(/twice/);
  });
});
