/**
 * Concurrency proof: 8 writers append to one table at once — as async tasks in one process and as 8
 * separate processes — on a local folder and on Azurite. Every append must be visible exactly once and
 * the versions must be contiguous from 0 with no gaps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../shared/local/azurite.js';
import { openStore } from '../../shared/storage/store-from-url.js';
import type { ObjectStore } from '../../shared/delta/storage/object-store.js';
import { appendBatch, createTable } from '../../shared/delta/table.js';
import { loadSnapshot } from '../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../shared/delta/read/scan.js';
import { parseLogKey } from '../../shared/delta/protocol/log-path.js';
import { forkTs } from '../support/ts-child.js';
import { SIMPLE_SCHEMA } from '../support/delta-fixtures.js';

const WRITERS = 8;
const BATCHES = 5;
const ROWS = 10;

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

interface Backend {
  name: string;
  url(): Promise<string>;
  env(): Record<string, string>;
}

const backends: Backend[] = [
  {
    name: 'local folder',
    url: () => Promise.resolve(fs.mkdtempSync(path.join(os.tmpdir(), 'delta-conc-'))),
    env: () => ({}),
  },
  {
    name: 'Azurite',
    url: async () => {
      const container = `conc${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      await new ContainerClient(azurite.connectionString, container).create();
      return `az://${container}/tables/t1`;
    },
    env: () => ({ TEST_AZURE_CONNECTION_STRING: azurite.connectionString }),
  },
];

function open(url: string, backend: Backend): ObjectStore {
  const conn = backend.env().TEST_AZURE_CONNECTION_STRING;
  return openStore(url, conn ? { azureConnectionString: conn } : {});
}

async function verify(store: ObjectStore, expectedCommits: number): Promise<void> {
  const snapshot = await loadSnapshot(store);
  expect(snapshot.version).toBe(expectedCommits);
  const versions = (await store.list('_delta_log/'))
    .map((o) => parseLogKey(o.key))
    .filter((f) => f.kind === 'commit')
    .map((f) => (f.kind === 'commit' ? f.version : -1));
  expect(versions).toEqual(Array.from({ length: expectedCommits + 1 }, (_, i) => i));
  const ids = (await scanAll(snapshot, { columns: ['id'] })).map((r) => r.id as bigint);
  const expected: bigint[] = [];
  for (let w = 0; w < WRITERS; w++)
    for (let b = 0; b < BATCHES; b++)
      for (let i = 0; i < ROWS; i++) expected.push(BigInt(w * 100_000 + b * 1000 + i));
  expect(ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(expected.sort((a, b) => (a < b ? -1 : 1)));
}

describe.each(backends)('8 concurrent writers on $name', (backend) => {
  test('in one process', async () => {
    const url = await backend.url();
    const store = open(url, backend);
    await createTable(store, { schema: SIMPLE_SCHEMA, partitionColumns: ['store_id'] });
    let retries = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let b = 0; b < BATCHES; b++) {
          const ids = Array.from({ length: ROWS }, (_, i) => BigInt(w * 100_000 + b * 1000 + i));
          const r = await appendBatch(
            store,
            { id: ids, store_id: ids.map(() => `S${w % 3}`), day: ids.map(() => 20_000 + b) },
            {
              onRetry: () => retries++,
            },
          );
          expect(r.kind).toBe('committed');
        }
      }),
    );
    await verify(store, WRITERS * BATCHES);
    console.log(`${backend.name}, in-process: ${WRITERS * BATCHES} commits, ${retries} lost races retried`);
  });

  test('across 8 processes', async () => {
    const url = await backend.url();
    const store = open(url, backend);
    await createTable(store, { schema: SIMPLE_SCHEMA, partitionColumns: ['store_id'] });
    Object.assign(process.env, backend.env());
    const reports = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => {
        const child = forkTs(path.join(__dirname, 'append-worker.ts'), [
          url,
          String(w),
          String(BATCHES),
          String(ROWS),
        ]);
        return new Promise<{ versions: number[]; retries: number }>((resolve, reject) => {
          let report: { versions: number[]; retries: number } | undefined;
          child.on('message', (m) => (report = m as { versions: number[]; retries: number }));
          child.on('exit', (code) =>
            code === 0 && report ? resolve(report) : reject(new Error(`worker ${w} exited ${code}`)),
          );
        });
      }),
    );
    const all = reports.flatMap((r) => r.versions).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: WRITERS * BATCHES }, (_, i) => i + 1));
    await verify(store, WRITERS * BATCHES);
    console.log(
      `${backend.name}, 8 processes: ${all.length} commits, ${reports.reduce((n, r) => n + r.retries, 0)} lost races retried`,
    );
  }, 120_000);
});
