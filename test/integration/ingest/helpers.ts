/** Shared helpers for ingest integration tests: lakes, failing stores, table readers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import type { ObjectStore, PutIfAbsentResult } from '../../../shared/delta/storage/object-store.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { DeltaError } from '../../../shared/delta/errors.js';
import { landPorts } from '../../../shared/ingest/compose.js';
import type { LandPorts } from '../../../shared/ingest/land-batch.js';
import { loadSettings } from '../../../shared/config/config.js';
import type { EventPosition } from '../../../shared/ingest/batch-metadata.js';

export const NOW_MS = Date.parse('2026-11-25T15:00:00.000Z');

export function tempLake(): LocalFsStore {
  return new LocalFsStore(fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-')));
}

export function portsFor(lake: ObjectStore): LandPorts {
  return landPorts(lake, loadSettings({}), () => NOW_MS);
}

export function positions(first: number, count: number): EventPosition[] {
  return Array.from({ length: count }, (_, i) => ({
    sequenceNumber: first + i,
    offset: String((first + i) * 100),
    enqueuedTimeMicros: BigInt(NOW_MS) * 1000n,
    partitionKey: 'S0042',
  }));
}

export type Row = Record<string, unknown>;

export async function rowsOf(store: ObjectStore): Promise<Row[]> {
  try {
    return await scanAll(await loadSnapshot(store));
  } catch (err) {
    if (err instanceof DeltaError && err.kind === 'TableNotFound') return [];
    throw err;
  }
}

export async function versionOf(store: ObjectStore): Promise<number> {
  return (await loadSnapshot(store)).version;
}

/** A store whose `putIfAbsent` on commit files throws `times` times (a crash before the commit). */
export function failingCommits(inner: ObjectStore, times = 1): ObjectStore & { failures: number } {
  let left = times;
  const store = {
    description: inner.description,
    failures: 0,
    get: (k: string) => inner.get(k),
    getRange: (k: string, s: number, e: number) => inner.getRange(k, s, e),
    head: (k: string) => inner.head(k),
    list: (p: string, o?: { startAfterOrAt?: string }) => inner.list(p, o),
    put: (k: string, d: Uint8Array) => inner.put(k, d),
    delete: (k: string) => inner.delete(k),
    putIfAbsent: (k: string, d: Uint8Array): Promise<PutIfAbsentResult> => {
      if (left > 0 && k.includes('_delta_log/') && !k.endsWith('00000000000000000000.json')) {
        left--;
        store.failures++;
        return Promise.reject(new Error(`injected crash before committing ${k}`));
      }
      return inner.putIfAbsent(k, d);
    },
  };
  return store;
}
