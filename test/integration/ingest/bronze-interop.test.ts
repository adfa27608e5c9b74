/**
 * Bronze and quarantine, as landed by `landBatch` (102 batches, so a checkpoint is written; malformed
 * events, bytes that are not UTF-8, oversize bodies, the naughty strings as bodies and in events), read row-for-row identically by delta-spark and
 * delta-rs and by our own scan. Needs the venv from scripts/setup-python.sh (fails, never skips).
 */
import { describe, expect, test } from 'vitest';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { rowToJson } from '../../../shared/delta/read/json-rows.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { LANDING_CHECKPOINT_INTERVAL } from '../../../shared/ingest/bronze-tables.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { deltaToolBatch, rowsOf } from '../../support/python.js';
import { NOW_MS, portsFor, positions, tempLake } from './helpers.js';
import { naughty, plantedEvents } from './naughty-events.js';

async function ourRows(store: ObjectStore): Promise<string[]> {
  const snapshot = await loadSnapshot(store);
  return (await scanAll(snapshot)).map((r) => rowToJson(r, snapshot.schema)).sort();
}

describe('Bronze interop', () => {
  test('delta-spark and delta-rs read Bronze and quarantine exactly as we do', async () => {
    const lake = tempLake();
    const ports = portsFor(lake);
    const sim = simulatePosTraffic({
      seed: 9,
      stores: 4,
      events: 1200,
      start: '2026-11-16',
      historyDays: 0,
      rates: { malformed: 0.1 },
    });
    const bodies: unknown[] = sim.events.map((e) => e.body);
    bodies.push(Buffer.from([0xff, 0x00, 0x7b]), 'x'.repeat(300_000), 42);
    // Naughty strings as bodies and inside events (ids, free fields, keys): the string columns and
    // raw bodies must read back alike everywhere (U+FEFF, RTL marks, zero-width joiners, emoji...).
    const occurredAt = new Date(NOW_MS - 3_600_000).toISOString();
    bodies.push(
      ...naughty,
      ...plantedEvents(occurredAt, ['storeId', 'customerId', 'sku', 'unknownField', 'key']),
    );
    // Spread over the batches (a fixed permutation: 7919 is prime), so each lands some Bronze rows.
    const spread = bodies.map((_, i) => bodies[(i * 7919) % bodies.length]);
    // Enough batches for a Bronze checkpoint (every LANDING_CHECKPOINT_INTERVAL commits).
    const batches = LANDING_CHECKPOINT_INTERVAL + 2;
    const per = Math.ceil(spread.length / batches);
    for (let b = 0; b < batches; b++) {
      const batch = spread.slice(b * per, (b + 1) * per);
      await landBatch(ports, batch, {
        source: 'eventhub',
        streamId: 'cg-0',
        partitionId: '0',
        positions: positions(b * per, batch.length),
      });
    }
    const snap = await loadSnapshot(ports.bronze);
    expect(snap.segment.checkpointVersion, `bronze v${snap.version}`).toBe(LANDING_CHECKPOINT_INTERVAL);
    const tables = [`${lake.root}/bronze/pos_events`, `${lake.root}/bronze/pos_events_quarantine`];
    const results = await deltaToolBatch(
      tables.flatMap((table) =>
        (['spark', 'deltars'] as const).map((engine) => ({ cmd: 'scan' as const, engine, table })),
      ),
    );
    const [sparkBronze, rsBronze, sparkQ, rsQ] = results.map((r) => rowsOf(r).sort());
    const ours = [await ourRows(ports.bronze), await ourRows(ports.quarantine)];
    expect(ours[0]?.length).toBeGreaterThan(2500);
    expect(ours[1]?.length).toBeGreaterThan(100);
    expect(sparkBronze).toEqual(ours[0]);
    expect(rsBronze).toEqual(ours[0]);
    expect(sparkQ).toEqual(ours[1]);
    expect(rsQ).toEqual(ours[1]);
  }, 600_000);
});
