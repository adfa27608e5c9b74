/**
 * Two engines, one semantics: the same Bronze + master fixture through the embedded DuckDB engine
 * (runTransform) and through the Databricks job on local Spark + delta-spark gives identical Silver
 * and Gold tables (whole-table equality of the scan JSON lines, decimals exact), for a full run and
 * for an incremental run after more events land. Spark reads the Bronze our ingest wrote; we read the
 * Silver/Gold Spark wrote. Fails (never skips) when the Python venv or Java is missing.
 */
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../shared/delta/snapshot/snapshot.js';
import { LocalFsStore } from '../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../shared/delta/storage/prefixed-store.js';
import { simulatePosTraffic } from '../../shared/ingest/simulator/pos-traffic.js';
import { landSimulatedEvents, loadSimulatedHistory, loadSimulatedProducts, loadSimulatedStores } from '../../shared/transforms/fixture-lake.js';
import { runTransform } from '../../shared/transforms/run-transform.js';
import { OUTPUT_TABLES } from '../../shared/transforms/transform-tables.js';
import { runSparkTransform } from '../support/spark-transform.js';
import { HMAC_KEY, tableLines, tempLake } from '../unit/transforms/fixtures.js';

describe('DuckDB and Spark transforms agree', () => {
  it('gives identical Silver and Gold tables, full and incremental', { timeout: 1_800_000 }, async () => {
    const sim = simulatePosTraffic({ seed: 5, stores: 6, events: 2500, days: 4, skus: 300, historyDays: 2, historyReceiptsPerStoreDay: 15 });
    const lake = await tempLake();
    const sparkOut = await tempLake();
    const loadedAt = Date.parse(`${sim.options.start}T00:00:00Z`);
    // Hold back one store and a few SKUs so the quarantine has both reasons; they arrive before run 2.
    const [lateStore, ...stores] = sim.stores;
    const lateSkus = new Set(sim.products.slice(0, 5).map((p) => p.sku));
    await loadSimulatedStores(lake, stores, loadedAt);
    await loadSimulatedProducts(lake, sim.products.filter((p) => !lateSkus.has(p.sku)), loadedAt);
    await loadSimulatedHistory(lake, sim.history, loadedAt);
    const half = Math.floor(sim.events.length * 0.7);
    const seq = await landSimulatedEvents(lake, sim.events.slice(0, half), { batchSize: 400 });

    const duck1 = await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.now() });
    const spark1 = await runSparkTransform(lake.root, sparkOut.root);
    expect(spark1.watermark).toEqual(duck1.watermark);
    expect(duck1.quarantined).toBeGreaterThan(0);
    expect(spark1.quarantined).toBe(duck1.quarantined);
    await expectSameTables(lake, sparkOut, true);

    if (!lateStore) throw new Error('no stores');
    await loadSimulatedStores(lake, [lateStore], loadedAt + 86_400_000);
    await loadSimulatedProducts(lake, sim.products.filter((p) => lateSkus.has(p.sku)), loadedAt + 86_400_000);
    await landSimulatedEvents(lake, sim.events.slice(half), { batchSize: 400, firstSequence: seq });
    const duck2 = await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.now(), since: duck1.watermark });
    const spark2 = await runSparkTransform(lake.root, sparkOut.root, { since: spark1.watermark });
    expect(duck2.mode).toBe('incremental');
    expect(spark2.mode).toBe('incremental');
    expect(spark2.restated_dates).toEqual(duck2.restated.dates);
    expect(spark2.quarantined).toBe(duck2.quarantined);
    expect(duck2.quarantined).toBe(0);
    await expectSameTables(lake, sparkOut, false);
  });
});

async function expectSameTables(duck: LocalFsStore, spark: LocalFsStore, quarantineNonEmpty: boolean): Promise<void> {
  for (const table of OUTPUT_TABLES) {
    const ours = await loadSnapshot(prefixed(duck, table.name));
    const theirs = await loadSnapshot(prefixed(spark, table.name));
    expect(theirs.schema.fields.map((f) => `${f.name}:${JSON.stringify(f.type)}`), table.name).toEqual(ours.schema.fields.map((f) => `${f.name}:${JSON.stringify(f.type)}`));
    expect(theirs.partitionColumns, table.name).toEqual(ours.partitionColumns);
    const duckLines = await tableLines(duck, table.name);
    if (table.name !== 'silver/quarantine' || quarantineNonEmpty) expect(duckLines.length, `${table.name} is not empty`).toBeGreaterThan(0);
    expect(await tableLines(spark, table.name), table.name).toEqual(duckLines);
  }
}
