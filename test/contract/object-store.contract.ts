/**
 * The behaviour every `ObjectStore` backend must show, as one suite run against each backend
 * (memory, local FS, Azurite, and prefixed views of them).
 *
 * `makeStore` must return a fresh, empty store on every call: each case starts from nothing.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFoundError, type ObjectStore } from '../../shared/delta/storage/object-store.js';
import { InvalidKeyError } from '../../shared/delta/storage/store-error.js';

export function objectStoreContract(name: string, makeStore: () => ObjectStore | Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it('answers undefined for get/head of a missing key, and NotFoundError for getRange', async () => {
      const store = await makeStore();
      expect(await store.get('missing/object.json')).toBeUndefined();
      expect(await store.head('missing/object.json')).toBeUndefined();
      await expect(store.getRange('missing/object.json', 0, 4)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getRange('missing/object.json', 0, 0)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.list('')).toEqual([]);
      expect(await store.list('missing/')).toEqual([]);
    });

    it('returns what put stored, and put overwrites', async () => {
      const store = await makeStore();
      const before = Date.now();
      await store.put('tables/t/part-0.parquet', bytes('first version'));
      expect(text(await store.get('tables/t/part-0.parquet'))).toBe('first version');
      await store.put('tables/t/part-0.parquet', bytes('second'));
      expect(text(await store.get('tables/t/part-0.parquet'))).toBe('second');

      const meta = await store.head('tables/t/part-0.parquet');
      expect(meta?.key).toBe('tables/t/part-0.parquet');
      expect(meta?.size).toBe(6);
      // Filesystem and service clocks have second granularity at worst.
      expect(meta?.lastModified).toBeGreaterThanOrEqual(before - 2_000);
      expect(meta?.lastModified).toBeLessThanOrEqual(Date.now() + 2_000);
    });

    it('round-trips empty and binary objects byte for byte', async () => {
      const store = await makeStore();
      const binary = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);
      await store.put('bin', binary);
      await store.put('empty', new Uint8Array(0));
      expect(await store.get('bin')).toEqual(binary);
      expect(await store.get('empty')).toEqual(new Uint8Array(0));
      expect((await store.head('empty'))?.size).toBe(0);
    });

    it('keeps its own copy: mutating the written or returned buffer changes nothing stored', async () => {
      const store = await makeStore();
      const data = bytes('abc');
      await store.put('k', data);
      data[0] = 0x7a;
      const read = await store.get('k');
      expect(text(read)).toBe('abc');
      if (read !== undefined) read[1] = 0x7a;
      expect(text(await store.get('k'))).toBe('abc');
    });

    it('reads byte ranges [start, end): middle, start, end, whole, empty and clamped', async () => {
      const store = await makeStore();
      await store.put('r/data.bin', bytes('0123456789'));
      expect(text(await store.getRange('r/data.bin', 3, 7))).toBe('3456');
      expect(text(await store.getRange('r/data.bin', 0, 4))).toBe('0123');
      expect(text(await store.getRange('r/data.bin', 6, 10))).toBe('6789');
      expect(text(await store.getRange('r/data.bin', 0, 10))).toBe('0123456789');
      expect(text(await store.getRange('r/data.bin', 5, 5))).toBe('');
      expect(text(await store.getRange('r/data.bin', 8, 100))).toBe('89');
      expect(text(await store.getRange('r/data.bin', 10, 20))).toBe('');
      expect(text(await store.getRange('r/data.bin', 50, 60))).toBe('');
      await expect(store.getRange('r/data.bin', 5, 4)).rejects.toBeInstanceOf(RangeError);
      await expect(store.getRange('r/data.bin', -1, 4)).rejects.toBeInstanceOf(RangeError);
    });

    it('reads a range deep inside a multi-megabyte object', async () => {
      const store = await makeStore();
      const big = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 251);
      await store.put('big.bin', big);
      expect((await store.head('big.bin'))?.size).toBe(big.byteLength);
      expect(await store.getRange('big.bin', 2_000_000, 2_000_100)).toEqual(big.slice(2_000_000, 2_000_100));
      // Digests, because element-wise deep equality over megabytes takes seconds.
      expect(sha256(await store.get('big.bin'))).toBe(sha256(big));
      expect(sha256(await store.getRange('big.bin', 1, big.byteLength - 1))).toBe(
        sha256(big.subarray(1, -1)),
      );
    });

    it('lists by prefix in key order, excluding other prefixes and temp objects', async () => {
      const store = await makeStore();
      const keys = [
        't/_delta_log/00000000000000000010.json',
        't/_delta_log/00000000000000000002.json',
        't/_delta_log/00000000000000000001.json',
        't/_delta_log/00000000000000000010.checkpoint.parquet',
        't/_delta_log/_last_checkpoint',
        't/part=a/f1.parquet',
        't/part=b/nested/f2.parquet',
        't2/_delta_log/00000000000000000000.json',
        'u/other.json',
      ];
      for (const key of keys) await store.put(key, bytes(key));
      // A crashed writer's leftovers: Delta-Spark and our local-FS staging names.
      await store.put('t/_delta_log/.00000000000000000011.json.0b7f1c2e.tmp', bytes('partial'));
      await store.put('t/.part-9.parquet.77.tmp', bytes('partial'));

      expect(await listedKeys(store, 't/_delta_log/')).toEqual([
        't/_delta_log/00000000000000000001.json',
        't/_delta_log/00000000000000000002.json',
        't/_delta_log/00000000000000000010.checkpoint.parquet',
        't/_delta_log/00000000000000000010.json',
        't/_delta_log/_last_checkpoint',
      ]);
      // A prefix that ends mid-segment matches on the string, as object stores do.
      expect(await listedKeys(store, 't/_delta_log/0000000000000000001')).toEqual([
        't/_delta_log/00000000000000000010.checkpoint.parquet',
        't/_delta_log/00000000000000000010.json',
      ]);
      expect(await listedKeys(store, 't/part=')).toEqual([
        't/part=a/f1.parquet',
        't/part=b/nested/f2.parquet',
      ]);
      expect(await listedKeys(store, 't')).toHaveLength(8);
      expect(await listedKeys(store, '')).toHaveLength(9);

      const listed = await store.list('t/part=a/');
      expect(listed).toEqual([
        { key: 't/part=a/f1.parquet', size: 19, lastModified: expect.any(Number) as number },
      ]);
    });

    it('lists from startAfterOrAt, inclusive', async () => {
      const store = await makeStore();
      for (const v of [0, 1, 2, 3, 11])
        await store.put(`log/${String(v).padStart(20, '0')}.json`, bytes(`v${v}`));
      expect(await listedKeys(store, 'log/', '00000000000000000002.json')).toEqual([
        'log/00000000000000000002.json',
        'log/00000000000000000003.json',
        'log/00000000000000000011.json',
      ]);
      // Between two keys: starts at the next one.
      expect(await listedKeys(store, 'log/', '00000000000000000004')).toEqual([
        'log/00000000000000000011.json',
      ]);
      expect(await listedKeys(store, 'log/', '99')).toEqual([]);
      expect(await listedKeys(store, 'log/', '')).toHaveLength(5);
    });

    it('lists before endBefore, exclusive, also combined with startAfterOrAt', async () => {
      const store = await makeStore();
      for (const v of [0, 1, 2, 3, 11])
        await store.put(`log/${String(v).padStart(20, '0')}.json`, bytes(`v${v}`));
      const keys = async (options: { startAfterOrAt?: string; endBefore?: string }) =>
        (await store.list('log/', options)).map((m) => m.key);
      expect(await keys({ endBefore: 'log/00000000000000000002.json' })).toEqual([
        'log/00000000000000000000.json',
        'log/00000000000000000001.json',
      ]);
      expect(
        await keys({ startAfterOrAt: 'log/00000000000000000001', endBefore: 'log/00000000000000000004' }),
      ).toEqual([
        'log/00000000000000000001.json',
        'log/00000000000000000002.json',
        'log/00000000000000000003.json',
      ]);
    });

    it('putIfAbsent creates once, then answers exists and leaves the object unchanged', async () => {
      const store = await makeStore();
      const key = '_delta_log/00000000000000000000.json';
      expect(await store.putIfAbsent(key, bytes('{"commitInfo":{"txnId":"a"}}'))).toEqual({
        kind: 'created',
      });
      const meta = await store.head(key);
      expect(await store.putIfAbsent(key, bytes('{"commitInfo":{"txnId":"b"}}'))).toEqual({ kind: 'exists' });
      expect(text(await store.get(key))).toBe('{"commitInfo":{"txnId":"a"}}');
      expect(await store.head(key)).toEqual(meta);
      expect(await listedKeys(store, '_delta_log/')).toEqual([key]);
    });

    it('putIfAbsent is idempotent for identical bytes (a retry of our own write)', async () => {
      const store = await makeStore();
      const key = '_delta_log/00000000000000000001.json';
      expect(await store.putIfAbsent(key, bytes('same'))).toEqual({ kind: 'created' });
      expect(await store.putIfAbsent(key, bytes('same'))).toEqual({ kind: 'created' });
      expect(await store.putIfAbsent(key, bytes('samE'))).toEqual({ kind: 'exists' });
      expect(await store.putIfAbsent(key, bytes('same, longer'))).toEqual({ kind: 'exists' });
      expect(text(await store.get(key))).toBe('same');
    });

    it('16 concurrent putIfAbsent of one key: exactly one wins, and its bytes are stored', async () => {
      const store = await makeStore();
      const key = '_delta_log/00000000000000000007.json';
      const payloads = Array.from({ length: 16 }, (_, i) => `{"commitInfo":{"writer":${i}}}`);
      const results = await Promise.all(payloads.map((p) => store.putIfAbsent(key, bytes(p))));
      const winners = results.flatMap((r, i) => (r.kind === 'created' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'exists')).toHaveLength(15);
      expect(text(await store.get(key))).toBe(payloads[winners[0] ?? -1]);
      expect(await listedKeys(store, '_delta_log/')).toEqual([key]);
    });

    it('delete removes the object; deleting a missing key is fine', async () => {
      const store = await makeStore();
      await store.put('d/a.json', bytes('a'));
      await store.put('d/b.json', bytes('b'));
      await store.delete('d/a.json');
      expect(await store.get('d/a.json')).toBeUndefined();
      expect(await store.head('d/a.json')).toBeUndefined();
      expect(await listedKeys(store, 'd/')).toEqual(['d/b.json']);
      await store.delete('d/a.json');
      await store.delete('never/existed.json');
      // A deleted name can be created again (vacuumed paths are never reused by Delta, but the port allows it).
      expect(await store.putIfAbsent('d/a.json', bytes('again'))).toEqual({ kind: 'created' });
    });

    it('handles keys with spaces, %, = and unicode, listing them in code point order', async () => {
      const store = await makeStore();
      const keys = [
        'p/city=São Paulo/part 1.parquet',
        'p/pct=100%/f.parquet',
        'p/q=a=b/f%20x.parquet',
        'p/日本/ファイル.json',
        'p/emoji=😀/f.json',
        'p/bmp=\uFFFD/f.json',
      ];
      for (const key of keys) {
        await store.put(key, bytes(`data of ${key}`));
        expect(text(await store.get(key))).toBe(`data of ${key}`);
        expect((await store.head(key))?.key).toBe(key);
        expect(await store.putIfAbsent(key, bytes('rival'))).toEqual({ kind: 'exists' });
      }
      expect(await store.putIfAbsent('p/new key=1%.json', bytes('x'))).toEqual({ kind: 'created' });
      // Written out by hand: code point (= UTF-8 byte) order puts U+FFFD before U+1F600.
      expect(await listedKeys(store, 'p/')).toEqual([
        'p/bmp=\uFFFD/f.json',
        'p/city=São Paulo/part 1.parquet',
        'p/emoji=😀/f.json',
        'p/new key=1%.json',
        'p/pct=100%/f.parquet',
        'p/q=a=b/f%20x.parquet',
        'p/日本/ファイル.json',
      ]);
      expect(await listedKeys(store, 'p/city=São')).toEqual(['p/city=São Paulo/part 1.parquet']);
      await store.delete('p/pct=100%/f.parquet');
      expect(await store.get('p/pct=100%/f.parquet')).toBeUndefined();
    });

    it('rejects keys that cannot name the same object everywhere', async () => {
      const store = await makeStore();
      for (const key of ['', '/abs', 'a//b', 'a/../b', './a', 'a/', 'a\\b']) {
        await expect(store.put(key, bytes('x')), `put ${JSON.stringify(key)}`).rejects.toBeInstanceOf(
          InvalidKeyError,
        );
      }
      await expect(store.putIfAbsent('../escape', bytes('x'))).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.get('a/../../etc/passwd')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.list('../')).rejects.toBeInstanceOf(InvalidKeyError);
    });
  });
}

async function listedKeys(store: ObjectStore, prefix: string, startAfterOrAt?: string): Promise<string[]> {
  const from = startAfterOrAt === undefined ? {} : { startAfterOrAt: prefix + startAfterOrAt };
  return (await store.list(prefix, from)).map((m) => m.key);
}

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function text(data: Uint8Array | undefined): string | undefined {
  return data === undefined ? undefined : new TextDecoder().decode(data);
}

function sha256(data: Uint8Array | undefined): string | undefined {
  return data === undefined ? undefined : createHash('sha256').update(data).digest('hex');
}
