/** Helpers for batch-load tests: simulated landing folders, table readers, stores that fail or race on commit. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simulateCommand } from '../../../shared/cli/simulate-command.js';
import { createCliContext } from '../../../shared/cli/context.js';
import { loadSettings } from '../../../shared/config/config.js';
import { DeltaError } from '../../../shared/delta/errors.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore, PutIfAbsentResult } from '../../../shared/delta/storage/object-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';

export const NOW_MS = Date.parse('2026-11-25T06:00:00.000Z');

/** `lakehouse simulate` output in a fresh temp folder. */
export async function simulatedLanding(args: string[] = []): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-landing-'));
  const quietLog = console.log;
  console.log = () => undefined;
  try {
    await simulateCommand(
      [
        '--out',
        dir,
        '--quiet',
        '--seed',
        '7',
        '--stores',
        '3',
        '--skus',
        '25',
        '--events',
        '20',
        '--history-days',
        '3',
        ...args,
      ],
      createCliContext(loadSettings({})),
    );
  } finally {
    console.log = quietLog;
  }
  return dir;
}

export function memoryLanding(files: Record<string, string | Uint8Array>): MemoryStore {
  const store = new MemoryStore('landing');
  for (const [key, content] of Object.entries(files))
    void store.put(key, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return store;
}

export type Row = Record<string, unknown>;

export async function rowsOf(lake: ObjectStore, table: string): Promise<Row[]> {
  try {
    return await scanAll(await loadSnapshot(prefixed(lake, table)));
  } catch (err) {
    if (err instanceof DeltaError && err.kind === 'TableNotFound') return [];
    throw err;
  }
}

export async function versionOf(lake: ObjectStore, table: string): Promise<number> {
  return (await loadSnapshot(prefixed(lake, table))).version;
}

type StoreOverrides = Partial<Pick<ObjectStore, 'putIfAbsent'>>;

function wrap(inner: ObjectStore, overrides: StoreOverrides): ObjectStore {
  return {
    description: inner.description,
    get: (k) => inner.get(k),
    getRange: (k, s, e) => inner.getRange(k, s, e),
    head: (k) => inner.head(k),
    list: (p, o) => inner.list(p, o),
    put: (k, d) => inner.put(k, d),
    delete: (k) => inner.delete(k),
    putIfAbsent: overrides.putIfAbsent ?? ((k, d) => inner.putIfAbsent(k, d)),
  };
}

/** Throws (like a crash) on the first `putIfAbsent` of `key`. */
export function failOnce(inner: ObjectStore, key: string): ObjectStore {
  let failed = false;
  return wrap(inner, {
    putIfAbsent: (k, d) => {
      if (k === key && !failed) {
        failed = true;
        return Promise.reject(new Error(`injected failure writing ${k}`));
      }
      return inner.putIfAbsent(k, d);
    },
  });
}

/**
 * Lake views whose commits of version 1 wait until every view has reached the same key (or 2 s),
 * so concurrent loaders are guaranteed to prepare their commits on the same snapshot.
 */
export function racingViews(inner: ObjectStore, count: number): ObjectStore[] {
  const waiting = new Map<string, { arrived: number; release: () => void; gate: Promise<void> }>();
  const arrive = (key: string): Promise<void> => {
    let entry = waiting.get(key);
    if (!entry) {
      let release = () => undefined as void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
        setTimeout(resolve, 2000);
      });
      entry = { arrived: 0, release, gate };
      waiting.set(key, entry);
    }
    entry.arrived++;
    if (entry.arrived >= count) entry.release();
    return entry.gate;
  };
  return Array.from({ length: count }, () =>
    wrap(inner, {
      putIfAbsent: async (k, d): Promise<PutIfAbsentResult> => {
        if (/_delta_log\/0{19}1\.json$/.test(k)) await arrive(k);
        return inner.putIfAbsent(k, d);
      },
    }),
  );
}

export function sortBy<T>(rows: T[], key: (r: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
