/**
 * Many Event Hub partitions landing into the same two tables at once, on a local folder and on
 * Azurite: every event lands exactly once, each partition's watermark ends at its last sequence
 * number, the log is contiguous, and replaying every partition afterwards lands nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { openStore } from '../../../shared/storage/store-from-url.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { landBatch, type LandResult } from '../../../shared/ingest/land-batch.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { portsFor, positions, rowsOf, tempLake } from './helpers.js';

const PARTITIONS = 8;
const BATCHES = 4;
const EVENTS = 25;

let azurite: Azurite | undefined;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const backends: { name: string; lake: () => Promise<ObjectStore> }[] = [
  { name: 'local folder', lake: () => Promise.resolve(tempLake()) },
  {
    name: 'Azurite',
    lake: async () => {
      if (!azurite) throw new Error('Azurite did not start');
      const container = `ingest${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      await new ContainerClient(azurite.connectionString, container).create();
      return openStore(`az://${container}/lake`, { azureConnectionString: azurite.connectionString });
    },
  },
];

/** The same store behind a new object identity. */
function wrap(store: ObjectStore): ObjectStore {
  return {
    description: store.description,
    get: (k) => store.get(k),
    getRange: (k, s, e) => store.getRange(k, s, e),
    head: (k) => store.head(k),
    list: (p, o) => store.list(p, o),
    put: (k, d) => store.put(k, d),
    putIfAbsent: (k, d) => store.putIfAbsent(k, d),
    delete: (k) => store.delete(k),
  };
}

function batchFor(partition: number, batch: number): unknown[] {
  return Array.from({ length: EVENTS }, (_, i) =>
    (i + partition + batch) % 7 === 0
      ? `junk-${partition}-${batch}-${i}`
      : validEvent({ storeId: `S${partition}` }),
  );
}

const modes = [
  { mode: 'one process (group commit)', separate: false },
  { mode: 'one store per partition (like separate instances)', separate: true },
];

describe.each(backends)('$name', ({ lake }) => {
  test.each(modes)(
    `${PARTITIONS} partitions × ${BATCHES} batches land exactly once, concurrently: $mode`,
    async ({ separate }) => {
      const root = await lake();
      const ports = portsFor(root);
      // Separate store objects get separate group committers, so their commits race in the Delta log.
      const partitionPorts = Array.from({ length: PARTITIONS }, () =>
        separate ? portsFor(wrap(root)) : ports,
      );
      const batches = Array.from({ length: PARTITIONS }, (_, p) =>
        Array.from({ length: BATCHES }, (_, b) => batchFor(p, b)),
      );
      const run = (p: number, b: number) =>
        landBatch(partitionPorts[p] ?? ports, batches[p]?.[b] ?? [], {
          source: 'eventhub',
          streamId: `cg-${p}`,
          partitionId: String(p),
          positions: positions(b * EVENTS, EVENTS),
        });
      const results: LandResult[] = [];
      await Promise.all(
        Array.from({ length: PARTITIONS }, async (_, p) => {
          for (let b = 0; b < BATCHES; b++) results.push(await run(p, b));
        }),
      );
      const total = PARTITIONS * BATCHES * EVENTS;
      expect(results.reduce((n, r) => n + r.landed + r.quarantined, 0)).toBe(total);
      // One process: a group commit never loses a version race to this process's own last commit
      // (nobody else writes here).
      if (!separate) expect(results.flatMap((r) => r.commits).filter((c) => c.attempts > 1)).toEqual([]);

      const bronze = await rowsOf(ports.bronze);
      const quarantine = await rowsOf(ports.quarantine);
      const keys = [...bronze, ...quarantine].map(
        (r) => `${String(r.stream_id)}#${String(r.eh_sequence_number)}`,
      );
      expect(new Set(keys).size).toBe(total);
      expect(keys).toHaveLength(total);

      const snapshot = await loadSnapshot(ports.bronze);
      for (let p = 0; p < PARTITIONS; p++) expect(snapshot.txnVersion(`cg-${p}`)).toBe(BATCHES * EVENTS - 1);
      // Version 0 = create; each later commit holds one or more batches (group commit).
      expect(snapshot.version).toBeLessThanOrEqual(PARTITIONS * BATCHES);
      if (separate) expect(snapshot.version).toBe(PARTITIONS * BATCHES);

      // Every partition redelivers everything at once: nothing new anywhere.
      const replays = await Promise.all(
        Array.from({ length: PARTITIONS }, (_, p) =>
          Promise.all(Array.from({ length: BATCHES }, (_, b) => run(p, b))),
        ),
      );
      expect(replays.flat().reduce((n, r) => n + r.replayed, 0)).toBe(total);
      expect((await loadSnapshot(ports.bronze)).version).toBe(snapshot.version);
    },
  );
});
