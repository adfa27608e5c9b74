/**
 * Regression: an incremental run must see every row landed since its watermark even when a checkpoint
 * (whose adds always read dataChange=false) or a Bronze compaction (dataChange=false outputs holding new
 * rows) happened in between. Whole-table equality with a full run.
 */
import { expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { rowToJson } from '../../../shared/delta/read/json-rows.js';
import { compact } from '../../../shared/delta/maintenance/optimize.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { LANDING_CHECKPOINT_INTERVAL } from '../../../shared/ingest/bronze-tables.js';
import { runTransform } from '../../../shared/transforms/run-transform.js';
import {
  landSimulatedEvents,
  loadSimulatedHistory,
  loadSimulatedProducts,
  loadSimulatedStores,
} from '../../../shared/transforms/fixture-lake.js';

const KEY = 'regression-test-key-0123456789';
const TABLES = [
  'silver/transactions',
  'silver/sales_lines',
  'gold/sales_store_hour',
  'gold/basket_metrics_daily',
];

async function lines(lake: MemoryStore): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const s = await loadSnapshot(prefixed(lake, t));
    out[t] = (await scanAll(s)).map((r) => rowToJson(r, s.schema)).sort();
  }
  return out;
}

test.each(['checkpoint', 'compaction'])(
  'incremental after a Bronze %s equals a full run',
  async (between) => {
    const sim = simulatePosTraffic({
      seed: 99,
      stores: 3,
      events: 400,
      start: '2026-11-20',
      days: 2,
      historyDays: 3,
    });
    const lake = new MemoryStore(`inc-${between}`);
    await loadSimulatedStores(lake, sim.stores, Date.UTC(2026, 10, 19));
    await loadSimulatedProducts(lake, sim.products, Date.UTC(2026, 10, 19));
    await loadSimulatedHistory(lake, sim.history, Date.UTC(2026, 10, 19));
    const seq = await landSimulatedEvents(lake, sim.events.slice(0, 30), { batchSize: 10 });
    const first = await runTransform({ lake, hmacKey: KEY, now: Date.UTC(2026, 10, 22) });
    // 120+ small commits: a Bronze checkpoint is written at version 100 (LANDING_CHECKPOINT_INTERVAL)
    await landSimulatedEvents(lake, sim.events.slice(30), { batchSize: 3, firstSequence: seq });
    if (between === 'compaction')
      await compact(prefixed(lake, 'bronze/pos_events'), { targetFileSize: 1 << 24 });
    expect(
      (await loadSnapshot(prefixed(lake, 'bronze/pos_events'))).segment.checkpointVersion,
    ).toBeGreaterThanOrEqual(LANDING_CHECKPOINT_INTERVAL);
    const second = await runTransform({
      lake,
      hmacKey: KEY,
      now: Date.UTC(2026, 10, 22, 1),
      since: first.watermark,
    });
    expect(second.mode).toBe('incremental');
    const incremental = await lines(lake);
    await runTransform({ lake, hmacKey: KEY, now: Date.UTC(2026, 10, 22, 2) });
    expect(incremental).toEqual(await lines(lake));
    expect(incremental['silver/transactions']?.length).toBeGreaterThan(300);
  },
  120_000,
);
