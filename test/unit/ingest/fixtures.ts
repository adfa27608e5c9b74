/** A valid POS event v1 and helpers for ingest tests. */
import { randomUUID } from 'node:crypto';

export const REFERENCE_ISO = '2026-11-25T15:00:00.000Z';
export const REFERENCE_MICROS = BigInt(Date.parse(REFERENCE_ISO)) * 1000n;

export function validEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    eventId: randomUUID(),
    eventType: 'sale',
    transactionId: 'T-0001',
    storeId: 'S0042',
    registerId: 'R03',
    cashierId: 'E1187',
    occurredAt: '2026-11-25T14:03:11.123Z',
    currency: 'USD',
    lines: [{ lineNo: 1, sku: 'SKU-000123', quantity: 2, unitPrice: 3.49, discount: 0.0, lineTotal: 6.98 }],
    tenders: [{ method: 'card', amount: 7.56 }],
    subtotal: 6.98,
    tax: 0.58,
    total: 7.56,
    customerId: null,
    loyaltyPoints: 0,
    originalTransactionId: null,
    ...overrides,
  };
}

export function without(event: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...event };
  delete copy[key];
  return copy;
}
