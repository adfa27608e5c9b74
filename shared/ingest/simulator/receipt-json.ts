/**
 * A receipt as the register's JSON event body (schema version 1): money as decimal numbers, or as
 * decimal strings when asked, always with exactly two decimals from integer cents; `occurredAt` in the
 * store's local time with its UTC offset. Pure: no RNG draws.
 */
import type { Receipt } from './receipt.js';
import { isoWithOffset } from '../../delta/read/zoned-time.js';

export function toJson(r: Receipt, asString: boolean): Record<string, unknown> {
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

export function money(cents: number, asString: boolean): number | string {
  const sign = cents < 0 ? '-' : '';
  const a = Math.abs(cents);
  const text = `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return asString ? text : Number(text);
}
