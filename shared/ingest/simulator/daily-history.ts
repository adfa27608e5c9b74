/**
 * The daily sales history before the simulated days (`historyDays` days up to the day before `start`):
 * per business day, store and SKU, units, net sales in cents and receipts, from baskets of the same
 * shape and popularity as the live traffic, scaled by store size and weekday. Rows come day by day,
 * store by store, SKUs in ascending order; every store has at least one receipt a day.
 */
import type { Rng } from './rng.js';
import type { Product, Store } from './master-data.js';
import { basketSize } from './receipt.js';
import type { SimulationOptions } from './simulation-options.js';
import { DAY_MS, WEEKDAY } from './traffic-profile.js';

export interface HistoryRow {
  businessDate: string;
  storeId: string;
  sku: string;
  units: number;
  netSalesCents: number;
  receipts: number;
}

export function makeHistory(
  rng: Rng,
  stores: Store[],
  products: Product[],
  popularity: number[],
  options: SimulationOptions,
  startMs: number,
): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let d = options.historyDays; d >= 1; d--) {
    const dayMs = startMs - d * DAY_MS;
    const businessDate = new Date(dayMs).toISOString().slice(0, 10);
    const weekday = WEEKDAY[new Date(dayMs).getUTCDay()] ?? 1;
    for (const store of stores) {
      const receipts = Math.max(1, Math.round(options.historyReceiptsPerStoreDay * store.size * weekday));
      const agg = new Map<string, { units: number; cents: number; receipts: number }>();
      for (let n = 0; n < receipts; n++) {
        const size = basketSize(rng);
        const seen = new Set<string>();
        for (let k = 0; k < size; k++) {
          const p = products[rng.weighted(popularity)] as Product;
          const q = rng.chance(0.8) ? 1 : 2;
          const a = agg.get(p.sku) ?? { units: 0, cents: 0, receipts: 0 };
          a.units += q;
          a.cents += q * p.priceCents;
          if (!seen.has(p.sku)) a.receipts++;
          seen.add(p.sku);
          agg.set(p.sku, a);
        }
      }
      for (const [sku, a] of [...agg].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
        rows.push({
          businessDate,
          storeId: store.storeId,
          sku,
          units: a.units,
          netSalesCents: a.cents,
          receipts: a.receipts,
        });
      }
    }
  }
  return rows;
}
