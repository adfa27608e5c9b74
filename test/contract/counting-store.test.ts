/**
 * CountingStore records calls and payload bytes per operation, without changing results.
 * (The contract suite also runs through it, which proves it is transparent.)
 */
import { describe, expect, it } from 'vitest';
import { CountingStore } from '../../shared/delta/storage/counting-store.js';
import { MemoryStore } from '../../shared/delta/storage/memory-store.js';

describe('CountingStore', () => {
  it('counts calls and bytes per operation, and the keys each operation touched', async () => {
    const store = new CountingStore(new MemoryStore());
    await store.put('log/0.json', new Uint8Array(10));
    await store.putIfAbsent('log/1.json', new Uint8Array(7));
    await store.putIfAbsent('log/1.json', new Uint8Array(3));
    await store.get('log/1.json');
    await store.get('missing');
    await store.getRange('log/0.json', 2, 6);
    await store.head('log/0.json');
    await store.list('log/');
    await store.delete('log/0.json');
    await expect(store.getRange('missing', 0, 1)).rejects.toThrow();

    expect(store.count('put')).toEqual({ calls: 1, bytes: 10 });
    expect(store.count('putIfAbsent')).toEqual({ calls: 2, bytes: 10 });
    expect(store.count('get')).toEqual({ calls: 2, bytes: 7 });
    expect(store.count('getRange')).toEqual({ calls: 2, bytes: 4 });
    expect(store.count('head')).toEqual({ calls: 1, bytes: 0 });
    expect(store.count('list')).toEqual({ calls: 1, bytes: 0 });
    expect(store.count()).toEqual({ calls: 10, bytes: 31 });
    expect(store.keys('get')).toEqual(['log/1.json', 'missing']);
    expect(store.calls.at(-1)).toEqual({ operation: 'getRange', key: 'missing', bytes: 0, ok: false });

    store.reset();
    expect(store.count()).toEqual({ calls: 0, bytes: 0 });
  });
});
