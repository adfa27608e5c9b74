/**
 * Output tables are committed one after the other, Silver first, the quarantine last. When a commit
 * fails, the run fails, no later table is committed (the quarantine in particular, which would
 * otherwise release receipts Silver does not hold yet), and running again with the same watermark
 * gives the tables a clean run gives.
 */
import { expect, test } from 'vitest';
import type { PutIfAbsentResult } from '../../../shared/delta/storage/object-store.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { runTransform } from '../../../shared/transforms/run-transform.js';
import { OUTPUT_TABLES } from '../../../shared/transforms/transform-tables.js';
import type { TransformWatermark } from '../../../shared/transforms/watermark.js';
import {
  landSimulatedEvents,
  loadSimulatedHistory,
  loadSimulatedProducts,
  loadSimulatedStores,
} from '../../../shared/transforms/fixture-lake.js';
import { HMAC_KEY, tableLines } from './fixtures.js';

/** A lake whose next commit to `failTable` fails once (an outage while writing that commit file). */
class FailingCommitStore extends MemoryStore {
  failTable: string | undefined;
  override putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    if (
      this.failTable !== undefined &&
      key.startsWith(`${this.failTable}/_delta_log/`) &&
      key.endsWith('.json')
    ) {
      this.failTable = undefined;
      return Promise.reject(new Error(`injected outage writing ${key}`));
    }
    return super.putIfAbsent(key, data);
  }
}

async function versions(lake: MemoryStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of OUTPUT_TABLES) out[t.name] = (await loadSnapshot(prefixed(lake, t.name))).version;
  return out;
}

async function contents(lake: MemoryStore): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of OUTPUT_TABLES) out[t.name] = await tableLines(lake, t.name);
  return out;
}

async function seeded(name: string): Promise<{ lake: FailingCommitStore; since: TransformWatermark }> {
  const sim = simulatePosTraffic({
    seed: 7,
    stores: 3,
    events: 300,
    start: '2026-11-20',
    days: 2,
    historyDays: 2,
  });
  // Two SKUs arrive late: the first run quarantines their receipts, the second releases them.
  const late = new Set(sim.products.slice(0, 2).map((p) => p.sku));
  const lake = new FailingCommitStore(name);
  const loadedAt = Date.UTC(2026, 10, 19);
  await loadSimulatedStores(lake, sim.stores, loadedAt);
  await loadSimulatedProducts(
    lake,
    sim.products.filter((p) => !late.has(p.sku)),
    loadedAt,
  );
  await loadSimulatedHistory(lake, sim.history, loadedAt);
  const seq = await landSimulatedEvents(lake, sim.events.slice(0, 200), { batchSize: 50 });
  const first = await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.UTC(2026, 10, 22) });
  await landSimulatedEvents(lake, sim.events.slice(200), { batchSize: 50, firstSequence: seq });
  await loadSimulatedProducts(
    lake,
    sim.products.filter((p) => late.has(p.sku)),
    loadedAt + 1000,
  );
  return { lake, since: first.watermark };
}

test('a failed commit stops the later ones; the retry with the same watermark equals a clean run', async () => {
  const clean = await seeded('clean');
  await runTransform({
    lake: clean.lake,
    hmacKey: HMAC_KEY,
    now: Date.UTC(2026, 10, 22),
    since: clean.since,
  });

  const { lake, since } = await seeded('failing');
  const quarantineBefore = await tableLines(lake, 'silver/quarantine');
  expect(quarantineBefore.length).toBeGreaterThan(0); // the late SKUs' receipts wait there
  const before = await versions(lake);
  const failAt = OUTPUT_TABLES.findIndex((t) => t.name === 'silver/sales_lines');
  lake.failTable = 'silver/sales_lines';
  await expect(runTransform({ lake, hmacKey: HMAC_KEY, now: Date.UTC(2026, 10, 22), since })).rejects.toThrow(
    /injected outage/,
  );
  const after = await versions(lake);
  OUTPUT_TABLES.forEach((t, i) => {
    // Tables before the failing one were committed; it and every later one were not.
    if (i < failAt) expect(after[t.name], t.name).toBe((before[t.name] ?? 0) + 1);
    else expect(after[t.name], t.name).toBe(before[t.name]);
  });
  expect(await tableLines(lake, 'silver/quarantine')).toEqual(quarantineBefore);

  await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.UTC(2026, 10, 22), since });
  expect(await contents(lake)).toEqual(await contents(clean.lake));
});
