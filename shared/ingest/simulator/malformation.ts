/**
 * Malformed event bodies: each kind corrupts a valid receipt body in exactly one way, so that ingest
 * must reject it with the matching reason code (a bad body is data, never a crash). Only the drawn kind
 * consumes RNG draws; the receipt itself is left untouched.
 */
import type { Rng } from './rng.js';
import type { Receipt } from './receipt.js';
import { money, toJson } from './receipt-json.js';
import { DAY_MS } from './traffic-profile.js';

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

/** Every kind, equally likely when an event is malformed (the order fixes the draws). */
export const MALFORMATIONS: readonly Malformation[] = [
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

/** The body of `r` corrupted by `kind`. */
export function malform(rng: Rng, r: Receipt, asString: boolean, kind: Malformation): string {
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
