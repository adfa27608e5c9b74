/**
 * What the two tiers of the event scanner (scan-event.ts, scan-canonical.ts) share: the values they
 * hand over, and `checkRules` (validate-event.ts) plus decodeBody's size limit restated on cents held
 * in doubles. Each check throws FALLBACK (scan-cursor.ts) where the full path would not accept the
 * event as it is, so the full path then runs and finds the reason codes.
 *
 * Exactness: every amount is at most MAX_CENTS = 10^12 cents, so the sums of ≤ 1,000 lines or ≤ 100
 * tenders stay far below 2^53 and are exact; a line's quantity × unit price is bounded before use.
 */
import { Buffer } from 'node:buffer';
import type { PosEventV1 } from './pos-event-schema.js';
import { CURRENCIES, MAX_LINE_NO } from './pos-event-schema.js';
import { fail, MAX_CENTS } from './scan-digits.js';
import type { ValidationLimits } from './validate-event.js';

/** What bronzeRow reads of a valid event, with money in cents and occurredAt in microseconds. */
export interface ScannedEvent {
  eventId: string;
  eventType: PosEventV1['eventType'];
  transactionId: string;
  originalTransactionId: string | null;
  storeId: string;
  registerId: string;
  cashierId: string;
  customerId: string | null;
  occurredAtMicros: number;
  currency: string;
  lineCount: number;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  loyaltyPoints: number | null;
  /** The text decodeBody keeps (a leading BOM removed). */
  rawText: string;
}

// Duplicate lineNo detection without a Set: lineNoSeen[n] === stamp ⇔ n seen in this event.
const lineNoSeen = new Uint32Array(MAX_LINE_NO + 1);
let stamp = 0;

/** The time window of the last reference time (events of a batch mostly share theirs). */
let timeWindow = { reference: -1n, ahead: 0n, behind: 0n, latest: 0, earliest: 0 };

/** Starts an event: forgets the lineNos of the previous one. */
export function beginEvent(): void {
  if (++stamp === 0xffffffff) {
    lineNoSeen.fill(0);
    stamp = 1;
  }
}

/**
 * One line's rules: lineNo in 1..MAX_LINE_NO and not seen before in the event, quantity > 0, and
 * lineTotal within a cent of `lineAmount` (round half up of quantity × unitPrice, minus discount; for
 * a whole quantity the rounding is a no-op, so one formula covers both of its branches).
 */
export function checkLine(
  lineNo: number,
  quantityMilli: number,
  unitPrice: number,
  discount: number,
  lineTotal: number,
): void {
  if (lineNo < 1 || lineNo > MAX_LINE_NO || lineNoSeen[lineNo] === stamp || quantityMilli <= 0) fail();
  lineNoSeen[lineNo] = stamp;
  const product = quantityMilli * unitPrice;
  if (product > MAX_CENTS * 1000) fail(); // keeps every step below an exact integer
  const rounded = product + 500;
  const expected = (rounded - (rounded % 1000)) / 1000 - discount;
  if (Math.abs(expected - lineTotal) > 1) fail();
}

/** The event's rules and the size limit of `text` (as delivered, BOM included); returns `e`. */
export function checkEvent(
  e: ScannedEvent,
  lineSum: number,
  tenderSum: number,
  text: string,
  maxBytes: number,
  referenceMicros: bigint,
  limits: ValidationLimits,
): ScannedEvent {
  // decodeBody's utf8Length; the scanners take no surrogates, so Buffer.byteLength is exact.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)) fail();
  if (e.eventType === 'refund' && e.originalTransactionId === null) fail();
  if (e.eventType !== 'void' && e.lineCount === 0) fail();
  if (Math.abs(lineSum - e.subtotalCents) > 1) fail();
  if (e.subtotalCents + e.taxCents !== e.totalCents) fail();
  if (tenderSum !== e.totalCents) fail(); // also no_tenders: an empty list sums to 0
  const { futureToleranceMicros: ahead, maxAgeMicros: behind } = limits;
  if (
    timeWindow.reference !== referenceMicros ||
    timeWindow.ahead !== ahead ||
    timeWindow.behind !== behind
  ) {
    // occurredAtMicros is a safe integer, so comparing it with Number(bound) is exact for any bound.
    timeWindow = {
      reference: referenceMicros,
      ahead,
      behind,
      latest: Number(referenceMicros + ahead),
      earliest: Number(referenceMicros - behind),
    };
  }
  if (e.occurredAtMicros > timeWindow.latest || e.occurredAtMicros < timeWindow.earliest) fail();
  return e;
}

let lastCurrency = '';

/** `code` if it is an ISO 4217 currency code, as the same string object as the last one when equal. */
export function knownCurrency(code: string): string {
  if (code === lastCurrency) return lastCurrency;
  if (!CURRENCIES.has(code)) fail();
  return (lastCurrency = code);
}
