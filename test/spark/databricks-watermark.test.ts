/**
 * The Databricks job keeps the transform watermark itself: after a successful run it writes
 * <output root>/ops/transform/watermark.json in the embedded engine's shape (transform-step.ts), with
 * the run id as instanceId and the Delta versions of the inputs it read, so the orchestration's next
 * run-now (`since`) starts where this run stopped, whichever engine ran last. Also when an incremental
 * run finds nothing to restate. Runs the job on local Spark + delta-spark (tests/run_local.py); fails
 * (never skips) when the Python venv or Java is missing.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../shared/delta/snapshot/snapshot.js';
import type { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../shared/delta/storage/prefixed-store.js';
import { simulatePosTraffic } from '../../shared/ingest/simulator/pos-traffic.js';
import { WATERMARK_KEY } from '../../shared/pipeline/transform-step.js';
import {
  landSimulatedEvents,
  loadSimulatedHistory,
  loadSimulatedProducts,
  loadSimulatedStores,
} from '../../shared/transforms/fixture-lake.js';
import { INPUT_TABLES, type TransformWatermark } from '../../shared/transforms/watermark.js';
import { runSparkTransform } from '../support/spark-transform.js';
import { tempLake } from '../unit/transforms/fixtures.js';

/** The input tables' current Delta versions, read with our Delta library, in the watermark's order. */
async function inputVersions(lake: LocalFsStore): Promise<TransformWatermark> {
  const out = {} as TransformWatermark;
  for (const table of INPUT_TABLES) out[table] = (await loadSnapshot(prefixed(lake, table))).version;
  return out;
}

async function storedWatermark(out: LocalFsStore): Promise<string> {
  expect(existsSync(join(out.root, 'ops', 'transform', 'watermark.json')), 'watermark file written').toBe(
    true,
  );
  const bytes = await out.get(WATERMARK_KEY);
  if (!bytes) throw new Error(`no ${WATERMARK_KEY} under ${out.root}`);
  return new TextDecoder().decode(bytes);
}

describe('Databricks transform job', () => {
  it(
    'writes the watermark after a full run and after an incremental run with nothing new',
    { timeout: 1_200_000 },
    async () => {
      const sim = simulatePosTraffic({
        seed: 11,
        stores: 3,
        events: 150,
        days: 1,
        skus: 40,
        historyDays: 1,
        historyReceiptsPerStoreDay: 3,
      });
      const lake = await tempLake();
      const out = await tempLake();
      try {
        const loadedAt = Date.parse(`${sim.options.start}T00:00:00Z`);
        // Stores in two loads and events in three batches, so the input tables sit at different versions
        // and a mixed-up table shows.
        await loadSimulatedStores(lake, sim.stores.slice(0, 1), loadedAt);
        await loadSimulatedStores(lake, sim.stores.slice(1), loadedAt);
        await loadSimulatedProducts(lake, sim.products, loadedAt);
        await loadSimulatedHistory(lake, sim.history, loadedAt);
        await landSimulatedEvents(lake, sim.events, { batchSize: 50 });
        const versions = await inputVersions(lake);
        expect(new Set(Object.values(versions)).size).toBeGreaterThan(1);

        const first = await runSparkTransform(lake.root, out.root, { runId: 'orchestration-1' });
        expect(first.mode).toBe('full');
        expect(first.watermark).toEqual(versions);
        // Byte for byte what the embedded engine writes (transform-step.ts), keys in INPUT_TABLES order.
        expect(await storedWatermark(out)).toBe(
          JSON.stringify({ instanceId: 'orchestration-1', watermark: versions }, null, 2),
        );

        const second = await runSparkTransform(lake.root, out.root, { since: versions, runId: 'orchestration-2' });
        expect(second.mode).toBe('incremental');
        expect(second.restated_dates).toEqual([]);
        expect(second.watermark).toEqual(versions);
        expect(await storedWatermark(out)).toBe(
          JSON.stringify({ instanceId: 'orchestration-2', watermark: versions }, null, 2),
        );
      } finally {
        await rm(lake.root, { recursive: true, force: true });
        await rm(out.root, { recursive: true, force: true });
      }
    },
  );
});
