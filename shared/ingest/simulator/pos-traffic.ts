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
 */
import { Rng, cumulative, zipfWeights } from './rng.js';
import { makeCatalogue, makeStores, type Product, type Store } from './master-data.js';
import { isoWithOffset, localToUtc } from '../../delta/read/zoned-time.js';

export interface SimulationRates {
  malformed: number;
  duplicate: number;
  late: number;
  outOfOrder: number;
  refund: number;
  void: number;
  loyalty: number;
  /** Share of events whose money fields are decimal strings instead of JSON numbers. */
  moneyAsString: number;
}

export interface SimulationOptions {
  seed: number;
  stores: number;
  events: number;
  /** First business day, YYYY-MM-DD. */
  start: string;
  days: number;
  skus: number;
  customers: number;
  historyDays: number;
  /** Receipts per store and day in the history files (scaled by store size and weekday). */
  historyReceiptsPerStoreDay: number;
  rates: SimulationRates;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  seed: 42,
  stores: 10,
  events: 10_000,
  start: '2026-11-16',
  days: 7,
  skus: 2000,
  customers: 5000,
  historyDays: 28,
  historyReceiptsPerStoreDay: 150,
  rates: {
    malformed: 0.01,
    duplicate: 0.005,
    late: 0.01,
    outOfOrder: 0.02,
    refund: 0.02,
    void: 0.01,
    loyalty: 0.35,
    moneyAsString: 0.2,
  },
};

export type Malformation =
  | 'missing_field'
  | 'wrong_type'
  | 'bad_currency'
  | 'bad_money'
  | 'non_positive_quantity'
  | 'subtotal_mismatch'
  | 'total_mismatch'
  | 'tender_total_mismatch'
  | 'occurred_at_in_future'
  | 'occurred_at_too_old'
  | 'unknown_event_type'
  | 'refund_without_original'
  | 'body_not_json'
  | 'body_not_object';

const MALFORMATIONS: readonly Malformation[] = [
  'missing_field',
  'wrong_type',
  'bad_currency',
  'bad_money',
  'non_positive_quantity',
  'subtotal_mismatch',
  'total_mismatch',
  'tender_total_mismatch',
  'occurred_at_in_future',
  'occurred_at_too_old',
  'unknown_event_type',
  'refund_without_original',
  'body_not_json',
  'body_not_object',
];

export interface SimulatedEvent {
  /** The body exactly as the register sends it (usually JSON text). */
  body: string;
  storeId: string;
  /** When the event reaches the cloud (ms); events are sorted by it. */
  arrivalMs: number;
  occurredMs: number;
  eventId: string | null;
  eventType: 'sale' | 'refund' | 'void';
  malformation: Malformation | null;
  duplicate: boolean;
  late: boolean;
  outOfOrder: boolean;
}

export interface HistoryRow {
  businessDate: string;
  storeId: string;
  sku: string;
  units: number;
  netSalesCents: number;
  receipts: number;
}

export interface SimulationSummary {
  events: number;
  valid: number;
  malformed: number;
  duplicates: number;
  late: number;
  outOfOrder: number;
  byType: Record<'sale' | 'refund' | 'void', number>;
  byMalformation: Partial<Record<Malformation, number>>;
  uniqueValidEventIds: number;
  firstOccurred: string;
  lastOccurred: string;
}

export interface Simulation {
  options: SimulationOptions;
  stores: Store[];
  products: Product[];
  events: SimulatedEvent[];
  history: HistoryRow[];
  summary: SimulationSummary;
}

interface Receipt {
  eventId: string;
  eventType: 'sale' | 'refund' | 'void';
  transactionId: string;
  store: Store;
  registerId: string;
  cashierId: string;
  occurredMs: number;
  lines: {
    lineNo: number;
    sku: string;
    quantity: number;
    unitPrice: number;
    discount: number;
    lineTotal: number;
  }[];
  tenders: { method: string; amount: number }[];
  subtotal: number;
  tax: number;
  total: number;
  customerId: string | null;
  loyaltyPoints: number;
  originalTransactionId: string | null;
}

const WEEKDAY = [1.1, 0.85, 0.9, 0.95, 1.05, 1.25, 1.4]; // Sun..Sat
const HOURLY = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.4, 1.7, 1.5, 1.1, 1.0, 1.2, 1.6, 1.8, 1.5, 1.1,
  0.8, 0.5, 0.3,
];
const TENDERS = cumulative([60, 20, 15, 5]);
const TENDER_NAMES = ['card', 'cash', 'mobile', 'giftcard'];
const DAY_MS = 86_400_000;

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
  const storeWeights = cumulative(stores.map((s) => s.size));
  const dayWeights = cumulative(
    Array.from({ length: options.days }, (_, d) => WEEKDAY[new Date(startMs + d * DAY_MS).getUTCDay()] ?? 1),
  );
  const hourWeights = stores.map((s) =>
    cumulative(HOURLY.map((w, h) => (h >= s.openHour && h < s.closeHour ? w : 0))),
  );
  const slots: { store: Store; occurredMs: number }[] = [];
  for (let i = 0; i < options.events; i++) {
    const si = rng.weighted(storeWeights);
    const store = stores[si] as Store;
    const day = rng.weighted(dayWeights);
    const hour = rng.weighted(hourWeights[si] ?? []);
    const localMs = startMs + day * DAY_MS + hour * 3_600_000 + rng.int(3_600_000);
    slots.push({ store, occurredMs: localToUtc(store.timeZone, localMs) });
  }
  slots.sort((a, b) => a.occurredMs - b.occurredMs);

  // 2. What: receipts in time order, so refunds and voids can refer to earlier sales.
  const recentSales = new Map<string, Receipt[]>();
  const counters = new Map<string, number>();
  const out: SimulatedEvent[] = [];
  const byType = { sale: 0, refund: 0, void: 0 };
  const byMalformation: Partial<Record<Malformation, number>> = {};
  let late = 0;
  let outOfOrder = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as { store: Store; occurredMs: number };
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
    let delay = 200 + rng.int(2800);
    const isLate = rng.chance(options.rates.late);
    const isOutOfOrder = !isLate && rng.chance(options.rates.outOfOrder);
    if (isLate) {
      delay = 3_600_000 + rng.int(7 * 3_600_000);
      late++;
    } else if (isOutOfOrder) {
      delay = 30_000 + rng.int(570_000);
      outOfOrder++;
    }
    const event: SimulatedEvent = {
      body,
      storeId: receipt.store.storeId,
      arrivalMs: slot.occurredMs + delay,
      occurredMs: slot.occurredMs,
      eventId:
        malformation === 'body_not_json' || malformation === 'body_not_object' ? null : receipt.eventId,
      eventType: receipt.eventType,
      malformation,
      duplicate: false,
      late: isLate,
      outOfOrder: isOutOfOrder,
    };
    out.push(event);
    if (rng.chance(options.rates.duplicate))
      out.push({ ...event, duplicate: true, arrivalMs: event.arrivalMs + 1000 + rng.int(900_000) });
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

function sale(
  rng: Rng,
  store: Store,
  occurredMs: number,
  products: Product[],
  popularity: number[],
  customers: number[],
  options: SimulationOptions,
  counters: Map<string, number>,
): Receipt {
  const size = basketSize(rng);
  const lines: Receipt['lines'] = [];
  const used = new Set<string>();
  let taxable = 0;
  for (let n = 0; n < size; n++) {
    const product = products[rng.weighted(popularity)] as Product;
    if (used.has(product.sku)) continue;
    used.add(product.sku);
    const quantity = rng.chance(0.8) ? 1 : rng.chance(0.7) ? 2 : rng.range(3, 6);
    const gross = quantity * product.priceCents;
    const discount = rng.chance(0.1) ? Math.round((gross * rng.range(5, 30)) / 100) : 0;
    const lineTotal = gross - discount;
    lines.push({
      lineNo: lines.length + 1,
      sku: product.sku,
      quantity,
      unitPrice: product.priceCents,
      discount,
      lineTotal,
    });
    if (!product.taxExempt) taxable += lineTotal;
  }
  const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
  const tax = Math.round((taxable * store.taxBp) / 10_000);
  const total = subtotal + tax;
  const loyal = rng.chance(options.rates.loyalty);
  return {
    ...header(rng, store, occurredMs, counters),
    eventType: 'sale',
    lines,
    tenders: tenders(rng, total),
    subtotal,
    tax,
    total,
    customerId: loyal ? `C${String(rng.weighted(customers) + 1).padStart(7, '0')}` : null,
    loyaltyPoints: loyal ? Math.floor(total / 100) : 0,
    originalTransactionId: null,
  };
}

function refundOf(rng: Rng, original: Receipt, occurredMs: number, counters: Map<string, number>): Receipt {
  const lines = original.lines
    .filter((_, i) => i === 0 || rng.chance(0.3))
    .map((l, i) => ({ ...l, lineNo: i + 1 }));
  const subtotal = lines.reduce((s, l) => s + l.lineTotal, 0);
  const tax = original.subtotal === 0 ? 0 : Math.round((original.tax * subtotal) / original.subtotal);
  const total = subtotal + tax;
  const method = original.tenders[0]?.method ?? 'card';
  return {
    ...header(rng, original.store, occurredMs, counters),
    eventType: 'refund',
    lines,
    tenders: [{ method, amount: total }],
    subtotal,
    tax,
    total,
    customerId: original.customerId,
    loyaltyPoints: 0,
    originalTransactionId: original.transactionId,
  };
}

function voidOf(rng: Rng, original: Receipt, occurredMs: number, counters: Map<string, number>): Receipt {
  return {
    ...original,
    ...header(rng, original.store, occurredMs, counters),
    registerId: original.registerId,
    eventType: 'void',
    loyaltyPoints: 0,
    originalTransactionId: original.transactionId,
  };
}

function header(
  rng: Rng,
  store: Store,
  occurredMs: number,
  counters: Map<string, number>,
): Pick<Receipt, 'eventId' | 'transactionId' | 'store' | 'registerId' | 'cashierId' | 'occurredMs'> {
  const registerId = `R${String(rng.range(1, store.registers)).padStart(2, '0')}`;
  const n = (counters.get(store.storeId) ?? 0) + 1;
  counters.set(store.storeId, n);
  const day = new Date(occurredMs).toISOString().slice(0, 10).replace(/-/g, '');
  return {
    eventId: rng.uuid(),
    transactionId: `${store.storeId}-${registerId}-${day}-${String(n).padStart(6, '0')}`,
    store,
    registerId,
    cashierId: `E${String(Number(store.storeId.slice(1)) * 100 + rng.range(1, 12)).padStart(5, '0')}`,
    occurredMs,
  };
}

function basketSize(rng: Rng): number {
  let n = 1;
  while (n < 40 && rng.chance(0.72)) n++;
  return n;
}

function tenders(rng: Rng, total: number): Receipt['tenders'] {
  const method = TENDER_NAMES[rng.weighted(TENDERS)] ?? 'card';
  if (total > 2000 && rng.chance(0.05)) {
    const gift = Math.min(total - 1, 500 * rng.range(1, 4));
    return [
      { method: 'giftcard', amount: gift },
      { method: 'card', amount: total - gift },
    ];
  }
  return [{ method, amount: total }];
}

function money(cents: number, asString: boolean): number | string {
  const sign = cents < 0 ? '-' : '';
  const a = Math.abs(cents);
  const text = `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return asString ? text : Number(text);
}

function toJson(r: Receipt, asString: boolean): Record<string, unknown> {
  return {
    schemaVersion: 1,
    eventId: r.eventId,
    eventType: r.eventType,
    transactionId: r.transactionId,
    storeId: r.store.storeId,
    registerId: r.registerId,
    cashierId: r.cashierId,
    occurredAt: isoWithOffset(r.occurredMs, r.store.timeZone),
    currency: r.store.currency,
    lines: r.lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice, asString),
      discount: money(l.discount, asString),
      lineTotal: money(l.lineTotal, asString),
    })),
    tenders: r.tenders.map((t) => ({ method: t.method, amount: money(t.amount, asString) })),
    subtotal: money(r.subtotal, asString),
    tax: money(r.tax, asString),
    total: money(r.total, asString),
    customerId: r.customerId,
    loyaltyPoints: r.loyaltyPoints,
    originalTransactionId: r.originalTransactionId,
  };
}

function malform(rng: Rng, r: Receipt, asString: boolean, kind: Malformation): string {
  const e = toJson(r, asString);
  const lines = e.lines as Record<string, unknown>[];
  const tendersJson = e.tenders as Record<string, unknown>[];
  switch (kind) {
    case 'missing_field':
      delete e[rng.pick(['storeId', 'eventId', 'occurredAt', 'total', 'lines'])];
      break;
    case 'wrong_type':
      e.registerId = 3;
      break;
    case 'bad_currency':
      e.currency = rng.pick(['US$', 'usd', 'XYZ', '']);
      break;
    case 'bad_money':
      e.tax = '1.005';
      break;
    case 'non_positive_quantity':
      if (lines[0]) lines[0].quantity = rng.pick([0, -1]);
      break;
    case 'subtotal_mismatch':
      e.subtotal = money(r.subtotal + 150, asString);
      e.total = money(r.total + 150, asString);
      if (tendersJson[0]) tendersJson[0].amount = money((r.tenders[0]?.amount ?? 0) + 150, asString);
      break;
    case 'total_mismatch':
      e.total = money(r.total + 1, asString);
      if (tendersJson[0]) tendersJson[0].amount = money((r.tenders[0]?.amount ?? 0) + 1, asString);
      break;
    case 'tender_total_mismatch':
      if (tendersJson[0]) tendersJson[0].amount = money((r.tenders[0]?.amount ?? 0) + 37, asString);
      break;
    case 'occurred_at_in_future':
      e.occurredAt = new Date(r.occurredMs + 3 * 365 * DAY_MS).toISOString();
      break;
    case 'occurred_at_too_old':
      e.occurredAt = '1970-01-01T00:00:00Z';
      break;
    case 'unknown_event_type':
      e.eventType = 'layaway';
      break;
    case 'refund_without_original':
      e.eventType = 'refund';
      e.originalTransactionId = null;
      break;
    case 'body_not_json': {
      const text = JSON.stringify(e);
      return text.slice(0, Math.max(1, rng.int(text.length - 1)));
    }
    case 'body_not_object':
      return rng.pick(['42', '"sale"', 'null', '[]', 'true']);
  }
  return JSON.stringify(e);
}

function makeHistory(
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
