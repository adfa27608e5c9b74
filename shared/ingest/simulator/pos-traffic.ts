/**
 * The POS traffic generator behind `lakehouse simulate` (and, later, the local event hub): realistic,
 * deterministic retail traffic for a seed. Same options ⇒ byte-identical output.
 *
 * Model: stores in several time zones with trading hours and sizes; receipts spread over the days by a
 * weekday profile and over opening hours by a diurnal profile (lunch and after-work peaks); baskets of
 * Zipf-popular SKUs with quantities and occasional discounts; store sales tax (groceries exempt);
 * card/cash/mobile/gift-card tenders with some split payments; loyalty customers; refunds of earlier
 * sales of the same store (a subset of their lines); post-voids of the register's last receipt.
 * Delivery faults, each at its own rate: malformed bodies (each kind maps to an expected reason code),
 * duplicates (the same body resent), late events (an offline register uploading hours later) and
 * out-of-order events (delayed by minutes). Events are returned in arrival order.
 *
 * This module draws the master data, the slots, then receipt by receipt its body and delivery, then
 * the history, from one RNG in that fixed order; the pieces live in the modules it imports.
 */
import { Rng, cumulative, zipfWeights } from './rng.js';
import { makeCatalogue, makeStores } from './master-data.js';
import { makeHistory } from './daily-history.js';
import { delivery, duplicateOf } from './delivery-faults.js';
import { MALFORMATIONS, malform, type Malformation } from './malformation.js';
import { refundOf, sale, voidOf, type Receipt } from './receipt.js';
import { toJson } from './receipt-json.js';
import type { SimulatedEvent, Simulation, SimulationSummary } from './simulation.js';
import { DEFAULT_SIMULATION, type SimulationOptions, type SimulationRates } from './simulation-options.js';
import { drawSlots, type Slot } from './traffic-profile.js';

export { DEFAULT_SIMULATION, type SimulationOptions, type SimulationRates } from './simulation-options.js';
export type { SimulatedEvent, Simulation, SimulationSummary } from './simulation.js';
export type { Malformation } from './malformation.js';
export type { HistoryRow } from './daily-history.js';

/** Generates the whole simulation in memory (about 0.5 KB per event). */
export function simulatePosTraffic(
  partial: Partial<Omit<SimulationOptions, 'rates'>> & { rates?: Partial<SimulationRates> } = {},
  onProgress?: (done: number, total: number) => void,
): Simulation {
  const options: SimulationOptions = {
    ...DEFAULT_SIMULATION,
    ...partial,
    rates: { ...DEFAULT_SIMULATION.rates, ...partial.rates },
  };
  const rng = new Rng(options.seed);
  const stores = makeStores(rng, options.stores);
  const products = makeCatalogue(rng, options.skus);
  const popularity = cumulative(zipfWeights(products.length, 1.07));
  const customerPopularity = cumulative(zipfWeights(options.customers, 0.8));
  const startMs = Date.parse(`${options.start}T00:00:00Z`);
  if (Number.isNaN(startMs)) throw new Error(`invalid start date ${options.start}`);

  // 1. When: store by size, day by weekday, hour by the diurnal profile within trading hours.
  const slots = drawSlots(rng, stores, options, startMs);

  // 2. What: receipts in time order, so refunds and voids can refer to earlier sales.
  const recentSales = new Map<string, Receipt[]>();
  const counters = new Map<string, number>();
  const out: SimulatedEvent[] = [];
  const byType = { sale: 0, refund: 0, void: 0 };
  const byMalformation: Partial<Record<Malformation, number>> = {};
  let late = 0;
  let outOfOrder = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    const recent = recentSales.get(slot.store.storeId) ?? [];
    let receipt: Receipt;
    const roll = rng.next();
    if (roll < options.rates.refund && recent.length > 0)
      receipt = refundOf(rng, rng.pick(recent), slot.occurredMs, counters);
    else if (roll < options.rates.refund + options.rates.void && recent.length > 0)
      receipt = voidOf(rng, recent[recent.length - 1] as Receipt, slot.occurredMs, counters);
    else
      receipt = sale(
        rng,
        slot.store,
        slot.occurredMs,
        products,
        popularity,
        customerPopularity,
        options,
        counters,
      );
    byType[receipt.eventType]++;
    const asString = rng.chance(options.rates.moneyAsString);
    let body = JSON.stringify(toJson(receipt, asString));
    let malformation: Malformation | null = null;
    if (rng.chance(options.rates.malformed)) {
      malformation = rng.pick(MALFORMATIONS);
      body = malform(rng, receipt, asString, malformation);
      byMalformation[malformation] = (byMalformation[malformation] ?? 0) + 1;
    } else if (receipt.eventType === 'sale') {
      // Only sales that reach Bronze are refunded or voided later, so Silver can always link them.
      recent.push(receipt);
      if (recent.length > 200) recent.shift();
      recentSales.set(slot.store.storeId, recent);
    }
    const sent = delivery(rng, options.rates);
    if (sent.late) late++;
    else if (sent.outOfOrder) outOfOrder++;
    const event: SimulatedEvent = {
      body,
      storeId: receipt.store.storeId,
      arrivalMs: slot.occurredMs + sent.delay,
      occurredMs: slot.occurredMs,
      eventId:
        malformation === 'body_not_json' || malformation === 'body_not_object' ? null : receipt.eventId,
      eventType: receipt.eventType,
      malformation,
      duplicate: false,
      late: sent.late,
      outOfOrder: sent.outOfOrder,
    };
    out.push(event);
    const duplicate = duplicateOf(rng, options.rates, event);
    if (duplicate) out.push(duplicate);
    if (onProgress && (i + 1) % 10_000 === 0) onProgress(i + 1, slots.length);
  }
  out.sort((a, b) => a.arrivalMs - b.arrivalMs);

  const history = makeHistory(rng, stores, products, popularity, options, startMs);
  const valid = out.filter((e) => e.malformation === null);
  const summary: SimulationSummary = {
    events: out.length,
    valid: valid.length,
    malformed: out.length - valid.length,
    duplicates: out.filter((e) => e.duplicate).length,
    late,
    outOfOrder,
    byType,
    byMalformation,
    uniqueValidEventIds: new Set(valid.map((e) => e.eventId)).size,
    firstOccurred: slots.length ? new Date(slots[0]?.occurredMs ?? 0).toISOString() : '',
    lastOccurred: slots.length ? new Date(slots[slots.length - 1]?.occurredMs ?? 0).toISOString() : '',
  };
  return { options, stores, products, events: out, history, summary };
}
