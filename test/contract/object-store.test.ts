/**
 * Runs the ObjectStore contract against every backend (memory, local FS, Azurite) and a few views of
 * them, then the cases only some backends have: crashed-writer leftovers on disk, racing processes,
 * and Azure's ambiguous retried create.
 *
 * Azurite starts once in beforeAll; if it cannot start, every Azurite case fails (none is skipped).
 */
import { ContainerClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../shared/local/azurite.js';
import { AzureBlobStore } from '../../shared/storage/azure-blob-store.js';
import { CountingStore } from '../../shared/delta/storage/counting-store.js';
import { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { MemoryStore } from '../../shared/delta/storage/memory-store.js';
import { prefixed } from '../../shared/delta/storage/prefixed-store.js';
import { openStore } from '../../shared/storage/store-from-url.js';
import { startFlakyBlobProxy, type FlakyBlobProxy } from '../support/flaky-blob-proxy.js';
import { raceProcesses } from './cross-process-race.js';
import { objectStoreContract } from './object-store.contract.js';

let azurite: Azurite | undefined;
let azuriteFailure: unknown;
const tempDirs: string[] = [];

// A throwing beforeAll would make vitest report the Azurite cases as skipped; keeping the error and
// rethrowing it from every Azurite case makes each of them fail with the start-up reason instead.
beforeAll(async () => {
  try {
    azurite = await startAzurite();
    console.info(`Azurite started in ${azurite.startMs} ms at ${azurite.blobEndpoint}`);
  } catch (error) {
    azuriteFailure = error;
  }
});

afterAll(async () => {
  await azurite?.stop();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

objectStoreContract('memory', () => new MemoryStore());
objectStoreContract('memory, prefixed view', () => prefixed(new MemoryStore(), 'lake/bronze'));
objectStoreContract('memory, behind CountingStore', () => new CountingStore(new MemoryStore()));
objectStoreContract('local FS', async () => new LocalFsStore(await tempDir()));
objectStoreContract('local FS, openStore(file://…/not-yet-created)', async () =>
  openStore(pathToFileURL(join(await tempDir(), 'lake root')).href),
);
objectStoreContract('Azurite, container root', async () => {
  const container = await freshContainer();
  return new AzureBlobStore({ container });
});
objectStoreContract('Azurite, openStore(az://container/prefix)', async () => {
  const container = await freshContainer();
  return openStore(`az://${container.containerName}/lake/${randomUUID()}`, {
    azureConnectionString: requireAzurite().connectionString,
  });
});

describe('LocalFsStore on disk', () => {
  it("hides a crashed writer's temp file and still commits past it, leaving no temp file", async () => {
    const root = await tempDir();
    const store = new LocalFsStore(root);
    const log = join(root, '_delta_log');
    await mkdir(log, { recursive: true });
    const leftover = `.00000000000000000000.json.${randomUUID()}.tmp`;
    await writeFile(join(log, leftover), '{"partial":');

    expect(await store.list('_delta_log/')).toEqual([]);
    expect(await store.putIfAbsent('_delta_log/00000000000000000000.json', text('{"v":0}'))).toEqual({
      kind: 'created',
    });
    expect(await store.putIfAbsent('_delta_log/00000000000000000000.json', text('{"v":"rival"}'))).toEqual({
      kind: 'exists',
    });
    await store.put('_delta_log/_last_checkpoint', text('{}'));
    // Only the leftover remains besides the objects: our own temp files were all removed.
    expect((await readdir(log)).sort()).toEqual(
      [leftover, '00000000000000000000.json', '_last_checkpoint'].sort(),
    );
  });

  it('writes again into a directory removed after its first write (the store remembers directories)', async () => {
    const root = await tempDir();
    const store = new LocalFsStore(root);
    await store.put('ingest_date=2026-11-26/a.parquet', text('a'));
    await store.putIfAbsent('_delta_log/00000000000000000000.json', text('{}'));
    await rm(join(root, 'ingest_date=2026-11-26'), { recursive: true });
    await rm(join(root, '_delta_log'), { recursive: true });
    await store.put('ingest_date=2026-11-26/b.parquet', text('b'));
    expect(await store.putIfAbsent('_delta_log/00000000000000000001.json', text('{}'))).toEqual({
      kind: 'created',
    });
    expect((await store.list('')).map((o) => o.key)).toEqual([
      '_delta_log/00000000000000000001.json',
      'ingest_date=2026-11-26/b.parquet',
    ]);
  });

  it('8 processes racing putIfAbsent on one key: exactly one creates, its bytes are stored', async () => {
    const root = await tempDir();
    const key = '_delta_log/00000000000000000000.json';
    const outcomes = await raceProcesses(8, { url: pathToFileURL(root).href, key });
    const winners = outcomes.filter((o) => o.kind === 'created');
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'exists')).toHaveLength(7);
    expect(decode(await new LocalFsStore(root).get(key))).toBe(winners[0]?.payload);
    expect(await readdir(join(root, '_delta_log'))).toEqual(['00000000000000000000.json']);
  });
});

describe('AzureBlobStore on Azurite', () => {
  it('8 processes racing putIfAbsent on one blob: exactly one creates, its bytes are stored', async () => {
    const container = await freshContainer();
    const key = '_delta_log/00000000000000000000.json';
    const url = `az://${container.containerName}/tables/race`;
    const outcomes = await raceProcesses(8, {
      url,
      key,
      azureConnectionString: requireAzurite().connectionString,
    });
    const winners = outcomes.filter((o) => o.kind === 'created');
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'exists')).toHaveLength(7);
    const stored = await new AzureBlobStore({ container, prefix: 'tables/race' }).get(key);
    expect(decode(stored)).toBe(winners[0]?.payload);
  });

  it('names the missing container when a write cannot land, and reads from it as empty', async () => {
    const store = new AzureBlobStore({
      container: new ContainerClient(requireAzurite().connectionString, 'never-created'),
    });
    expect(await store.list('')).toEqual([]);
    expect(await store.get('a.json')).toBeUndefined();
    await expect(store.putIfAbsent('a.json', text('{}'))).rejects.toThrow(
      /putIfAbsent "a.json" in az:\/\/never-created: container 'never-created' does not exist/,
    );
    await store.ensureContainer();
    expect(await store.putIfAbsent('a.json', text('{}'))).toEqual({ kind: 'created' });
  });

  describe('ambiguous outcome of a retried create (real SDK retry policy, faults injected by a proxy)', () => {
    let started: FlakyBlobProxy | undefined;

    afterAll(async () => {
      await started?.close();
    });

    async function flakyProxy(): Promise<FlakyBlobProxy> {
      started ??= await startFlakyBlobProxy(requireAzurite().blobEndpoint);
      return started;
    }

    function storeThroughProxy(proxy: FlakyBlobProxy, containerName: string): AzureBlobStore {
      const connectionString = requireAzurite().connectionString.replace(
        /BlobEndpoint=[^;]+;/,
        `BlobEndpoint=${proxy.blobEndpoint};`,
      );
      return AzureBlobStore.fromConnectionString(connectionString, containerName, 'table');
    }

    it("reports 'created' when our first attempt landed but its answer was lost, and the retry met 409", async () => {
      const proxy = await flakyProxy();
      const container = await freshContainer();
      const store = storeThroughProxy(proxy, container.containerName);
      const key = '_delta_log/00000000000000000003.json';
      proxy.failNextCreate(`table/${key}`, 'applied-then-reset');
      const before = proxy.creates.length;

      expect(await store.putIfAbsent(key, text('{"commitInfo":{"txnId":"ours"}}'))).toEqual({
        kind: 'created',
      });

      // The fault really fired: attempt 1 reached Azurite (201) but the client saw a reset; attempt 2 got 409.
      expect(proxy.creates.slice(before)).toEqual([
        { path: expect.stringContaining(`/table/${key}`) as string, client: 'reset', upstream: 201 },
        { path: expect.stringContaining(`/table/${key}`) as string, client: 409, upstream: 409 },
      ]);
      expect(decode(await store.get(key))).toBe('{"commitInfo":{"txnId":"ours"}}');
    });

    it("reports 'exists' when our attempt was lost and a rival's different bytes are there on retry", async () => {
      const proxy = await flakyProxy();
      const container = await freshContainer();
      const store = storeThroughProxy(proxy, container.containerName);
      const rival = new AzureBlobStore({ container, prefix: 'table' });
      const key = '_delta_log/00000000000000000004.json';
      proxy.failNextCreate(`table/${key}`, 'lost-then-503', async () => {
        expect(await rival.putIfAbsent(key, text('{"commitInfo":{"txnId":"rival"}}'))).toEqual({
          kind: 'created',
        });
      });
      const before = proxy.creates.length;

      expect(await store.putIfAbsent(key, text('{"commitInfo":{"txnId":"ours"}}'))).toEqual({
        kind: 'exists',
      });

      expect(proxy.creates.slice(before)).toEqual([
        { path: expect.stringContaining(`/table/${key}`) as string, client: 503, upstream: undefined },
        { path: expect.stringContaining(`/table/${key}`) as string, client: 409, upstream: 409 },
      ]);
      expect(decode(await store.get(key))).toBe('{"commitInfo":{"txnId":"rival"}}');
    });
  });
});

function requireAzurite(): Azurite {
  if (azurite === undefined) {
    const reason = azuriteFailure instanceof Error ? azuriteFailure.message : String(azuriteFailure);
    throw new Error(`Azurite is not running: ${reason}`, { cause: azuriteFailure });
  }
  return azurite;
}

async function freshContainer(): Promise<ContainerClient> {
  const container = new ContainerClient(
    requireAzurite().connectionString,
    `c${randomUUID().replaceAll('-', '')}`,
  );
  await container.create();
  return container;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'object-store-'));
  tempDirs.push(dir);
  return dir;
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function decode(data: Uint8Array | undefined): string | undefined {
  return data === undefined ? undefined : new TextDecoder().decode(data);
}
