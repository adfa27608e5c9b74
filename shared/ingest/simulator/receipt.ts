/**
 * Receipts as a register records them, in integer cents: sales (a basket of Zipf-popular SKUs with
 * quantities, occasional discounts, store sales tax with exempt groceries, tenders and loyalty), refunds
 * of a subset of an earlier sale's lines and post-voids of an earlier sale. Invariants: subtotal = Σ line
 * totals, total = subtotal + tax, tenders sum to total; transaction numbers count up per store.
 */
import { cumulative, type Rng } from './rng.js';
import type { Product, Store } from './master-data.js';
import type { SimulationOptions } from './simulation-options.js';

export interface Receipt {
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

const TENDERS = cumulative([60, 20, 15, 5]);
const TENDER_NAMES = ['card', 'cash', 'mobile', 'giftcard'];

export function sale(
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

export function refundOf(
  rng: Rng,
  original: Receipt,
  occurredMs: number,
  counters: Map<string, number>,
): Receipt {
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

export function voidOf(
  rng: Rng,
  original: Receipt,
  occurredMs: number,
  counters: Map<string, number>,
): Receipt {
  return {
    ...original,
    ...header(rng, original.store, occurredMs, counters),
    registerId: original.registerId,
    eventType: 'void',
    loyaltyPoints: 0,
    originalTransactionId: original.transactionId,
  };
}

/** Items in a basket: geometric, 1 to 40. Shared with the daily history so both have the same shape. */
export function basketSize(rng: Rng): number {
  let n = 1;
  while (n < 40 && rng.chance(0.72)) n++;
  return n;
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
