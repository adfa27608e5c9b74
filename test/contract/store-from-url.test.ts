/**
 * `openStore`: which backend each URL form opens, where it is rooted, and the clear errors for URLs
 * it cannot open. (The contract suite already runs the stores `file://` and `az://` open.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AzureBlobStore, type TokenCredential } from '../../shared/storage/azure-blob-store.js';
import { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { forgetNamedMemoryStores } from '../../shared/delta/storage/named-memory-store.js';
import { prefixed } from '../../shared/delta/storage/prefixed-store.js';
import { StoreUrlError } from '../../shared/delta/storage/store-error.js';
import { openStore } from '../../shared/storage/store-from-url.js';

const tempDirs: string[] = [];
afterAll(async () => {
  forgetNamedMemoryStores();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const fakeCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'not-a-token', expiresOnTimestamp: Date.now() + 60_000 }),
};
const devConnectionString =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;';

describe('openStore', () => {
  it('opens file:// URLs, absolute paths and relative paths as the same directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'open store '));
    tempDirs.push(dir);
    const viaUrl = openStore(`file://${encodeURI(dir)}/lake`);
    await viaUrl.put('bronze/t/x.json', new TextEncoder().encode('x'));
    expect(await readFile(join(dir, 'lake', 'bronze', 't', 'x.json'), 'utf8')).toBe('x');

    for (const store of [
      openStore(join(dir, 'lake')),
      openStore(relative(dir, join(dir, 'lake')), { cwd: dir }),
    ]) {
      expect(store).toBeInstanceOf(LocalFsStore);
      expect((await store.list('bronze/')).map((m) => m.key)).toEqual(['bronze/t/x.json']);
    }
    expect(viaUrl.description).toBe(new LocalFsStore(join(dir, 'lake')).description);
  });

  it('opens memory://name/path as a prefixed view of one process-wide store per name', async () => {
    const table = openStore('memory://lake-a/bronze/pos_events');
    await table.put('_delta_log/00000000000000000000.json', new TextEncoder().encode('{}'));
    const lake = openStore('memory://lake-a');
    expect((await lake.list('')).map((m) => m.key)).toEqual([
      'bronze/pos_events/_delta_log/00000000000000000000.json',
    ]);
    expect(await openStore('memory://lake-b').list('')).toEqual([]);
    expect(table.description).toBe('memory://lake-a/bronze/pos_events');
  });

  it('opens az://container/path with a connection string, rooted at the path', () => {
    const store = openStore('az://lake/silver/sales%20lines', { azureConnectionString: devConnectionString });
    expect(store).toBeInstanceOf(AzureBlobStore);
    const azure = store as AzureBlobStore;
    expect(azure.container.url).toBe('http://127.0.0.1:1/devstoreaccount1/lake');
    expect(azure.description).toBe('az://lake/silver/sales%20lines');
  });

  it('opens abfss:// on the Blob endpoint of the same account, with the given token credential', () => {
    const store = openStore('abfss://bronze@mylake.dfs.core.windows.net/tables/pos_events', {
      credential: fakeCredential,
    });
    expect((store as AzureBlobStore).container.url).toBe('https://mylake.blob.core.windows.net/bronze');
    expect(store.description).toBe('abfss://bronze@mylake.dfs.core.windows.net/tables/pos_events');
  });

  it.each([
    ['az://lake/t', {}, /connection string/],
    ['az:///t', { azureConnectionString: devConnectionString }, /needs a container/],
    ['abfss://bronze@mylake.dfs.core.windows.net/t', {}, /token credential/],
    [
      'abfss://mylake.dfs.core.windows.net/t',
      { credential: fakeCredential },
      /abfss:\/\/<container>@<account>/,
    ],
    ['s3://bucket/t', {}, /unsupported scheme 's3:'/],
    ['memory:///t', {}, /store name/],
  ])('refuses %s with a StoreUrlError that says why', (url, opts, reason) => {
    expect(() => openStore(url, opts)).toThrow(StoreUrlError);
    expect(() => openStore(url, opts)).toThrow(reason);
  });

  it('prefixed() with an empty prefix is the store itself; nested views compose', async () => {
    const lake = openStore('memory://lake-c');
    expect(prefixed(lake, '/')).toBe(lake);
    const nested = prefixed(prefixed(lake, 'gold'), 'kpi/');
    await nested.put('a.json', new Uint8Array([1]));
    expect((await lake.head('gold/kpi/a.json'))?.size).toBe(1);
    expect((await nested.head('a.json'))?.key).toBe('a.json');
    expect(nested.description).toBe('memory://lake-c/gold/kpi');
  });
});
