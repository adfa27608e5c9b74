/**
 * Gold reconciles with the generated events: Σ net sales per store-day in gold/sales_store_hour (and
 * gold/basket_metrics_daily) equals Σ sale subtotals − Σ refund subtotals over the valid, deduplicated,
 * non-voided simulator events, computed here straight from the event bodies. The lake is filled in
 * three landings with an incremental run after each, then checked against a full run.
 */
import { describe, expect, it } from 'vitest';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { zoneOffsetMinutes } from '../../../shared/delta/read/zoned-time.js';
import { landSimulatedEvents, loadSimulatedHistory, loadSimulatedProducts, loadSimulatedStores } from '../../../shared/transforms/fixture-lake.js';
import { runTransform, type RunTransformResult } from '../../../shared/transforms/run-transform.js';
import { HMAC_KEY, tableLines, tableObjects, tempLake } from './fixtures.js';

const GOLD_AND_SILVER = ['silver/transactions', 'silver/sales_lines', 'silver/tenders', 'silver/quarantine', 'gold/sales_store_hour', 'gold/product_sales_daily', 'gold/basket_metrics_daily', 'gold/tender_mix_daily'];

describe('reconciliation with the simulator', () => {
  it('Σ net sales per store-day equals the independent computation, incrementally and in full', async () => {
    const sim = simulatePosTraffic({ seed: 11, stores: 5, events: 4000, days: 6, skus: 400, historyDays: 3, historyReceiptsPerStoreDay: 20 });
    const lake = await tempLake();
    const loadedAt = Date.parse(`${sim.options.start}T00:00:00Z`);
    await loadSimulatedStores(lake, sim.stores, loadedAt);
    await loadSimulatedProducts(lake, sim.products, loadedAt);
    await loadSimulatedHistory(lake, sim.history, loadedAt);

    const thirds = [sim.events.slice(0, 1500), sim.events.slice(1500, 3000), sim.events.slice(3000)];
    let seq = 0;
    let last: RunTransformResult | undefined;
    for (const part of thirds) {
      seq = await landSimulatedEvents(lake, part, { batchSize: 700, firstSequence: seq });
      last = await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.now(), ...(last ? { since: last.watermark } : {}) });
    }
    expect(last?.mode).toBe('incremental');

    const expected = expectedNetSales(sim);
    const hourly = await tableObjects(lake, 'gold/sales_store_hour', ['store_id', 'business_date', 'net_sales']);
    expect(sumByStoreDay(hourly)).toEqual(expected);
    const daily = await tableObjects(lake, 'gold/basket_metrics_daily', ['store_id', 'business_date', 'net_sales']);
    expect(sumByStoreDay(daily)).toEqual(expected);
    expect(Object.keys(expected).length).toBeGreaterThan(20);

    const incremental: Record<string, string[]> = {};
    for (const t of GOLD_AND_SILVER) incremental[t] = await tableLines(lake, t);
    await runTransform({ lake, hmacKey: HMAC_KEY, now: Date.now() });
    for (const t of GOLD_AND_SILVER) expect(await tableLines(lake, t)).toEqual(incremental[t]);
  });
});

/** store|date → net cents, straight from the event bodies. */
function expectedNetSales(sim: ReturnType<typeof simulatePosTraffic>): Record<string, string> {
  const zone = new Map(sim.stores.map((s) => [s.storeId, s.timeZone]));
  const seen = new Set<string>();
  const receipts: { eventType: string; transactionId: string; storeId: string; occurredMs: number; subtotal: bigint; original: string | null }[] = [];
  for (const e of sim.events) {
    if (e.malformation !== null || e.eventId === null || seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const body = JSON.parse(e.body) as { eventType: string; transactionId: string; storeId: string; subtotal: number | string; originalTransactionId: string | null };
    receipts.push({ eventType: body.eventType, transactionId: body.transactionId, storeId: body.storeId, occurredMs: e.occurredMs, subtotal: cents(body.subtotal), original: body.originalTransactionId });
  }
  const voided = new Set(receipts.filter((r) => r.eventType === 'void').map((r) => r.original));
  const totals = new Map<string, bigint>();
  for (const r of receipts) {
    if (r.eventType === 'void' || voided.has(r.transactionId)) continue;
    const tz = zone.get(r.storeId) ?? 'UTC';
    const localDate = new Date(r.occurredMs + zoneOffsetMinutes(tz, r.occurredMs) * 60_000).toISOString().slice(0, 10);
    const key = `${r.storeId}|${localDate}`;
    totals.set(key, (totals.get(key) ?? 0n) + (r.eventType === 'refund' ? -r.subtotal : r.subtotal));
  }
  return Object.fromEntries([...totals].sort().map(([k, v]) => [k, formatCents(v)]));
}

function sumByStoreDay(rows: Record<string, unknown>[]): Record<string, string> {
  const totals = new Map<string, bigint>();
  for (const r of rows) {
    const key = `${String(r.store_id)}|${String(r.business_date)}`;
    totals.set(key, (totals.get(key) ?? 0n) + cents(r.net_sales as string));
  }
  return Object.fromEntries([...totals].sort().map(([k, v]) => [k, formatCents(v)]));
}

function cents(value: number | string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (!m) throw new Error(`not money: ${String(value)}`);
  const abs = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] === '-' ? -abs : abs;
}

function formatCents(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
