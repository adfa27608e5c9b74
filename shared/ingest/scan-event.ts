/**
 * The fast path for an event body given as text (CLI files, HTTP): checks the contract and every
 * rule in one pass over the string and yields the values of the Bronze row, without JSON.parse, zod,
 * BigInt or the event's object tree. Two tiers: scan-canonical.ts for the compact layout in schema order
 * (native regexes, the common case), then the general scanner here (charCodeAt, any layout).
 *
 * Invariant: `scanEvent(text, …)` is either undefined or exactly what the full path yields for that
 * text — decodeBody (size limit, no lone surrogates, BOM stripped, JSON.parse), validateEvent (schema
 * and checkRules at the same reference time) and bronzeRow — which must then accept it. Anything
 * unusual returns undefined and goes through that path, which stays the judge and the only source of
 * reason codes: escapes, surrogates, exponents, signs, duplicate keys, `null` where the schema has no
 * null, any rule failure (property tests in test/unit/ingest check this for each tier). Keys the
 * contract does not know are skipped (checked to be valid JSON), as the schema strips them.
 */
import { JsonCursor } from './scan-cursor.js';
import { fail } from './scan-digits.js';
import { scanCanonical } from './scan-canonical.js';
import { instantMicros } from './scan-instant.js';
import { beginEvent, checkEvent, checkLine, knownCurrency, type ScannedEvent } from './scan-rules.js';
import { EVENT_TYPES, MAX_LINES, MAX_TENDERS, TENDER_METHODS } from './pos-event-schema.js';
import type { ValidationLimits } from './validate-event.js';

export type { ScannedEvent } from './scan-rules.js';

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

// Keys by index; an index is also the key's bit in the "seen" masks (duplicates fall back).
const TOP_KEYS = [
  'schemaVersion',
  'eventId',
  'eventType',
  'transactionId',
  'storeId',
  'registerId',
  'cashierId',
  'occurredAt',
  'currency',
  'lines',
  'tenders',
  'subtotal',
  'tax',
  'total',
  'customerId',
  'loyaltyPoints',
  'originalTransactionId',
] as const;
/** Every top-level key but the optional customerId, loyaltyPoints and originalTransactionId. */
const TOP_REQUIRED = (1 << 14) - 1;
const LINE_KEYS = ['lineNo', 'sku', 'quantity', 'unitPrice', 'discount', 'lineTotal'] as const;
const LINE_REQUIRED = 0b101111; // all but discount
const TENDER_KEYS = ['method', 'amount'] as const;

type Scan = (
  text: string,
  maxBytes: number,
  referenceMicros: bigint,
  limits: ValidationLimits,
) => ScannedEvent | undefined;

export const scanEvent: Scan = (text, maxBytes, referenceMicros, limits) => {
  try {
    return (
      scanCanonical(text, maxBytes, referenceMicros, limits) ??
      scanGeneral(text, maxBytes, referenceMicros, limits)
    );
  } catch {
    return undefined; // FALLBACK, or anything unforeseen: the full path decides
  }
};

/** Each tier alone, for tests: the invariant holds for each. */
export const SCAN_TIERS: Readonly<Record<'canonical' | 'general', Scan>> = {
  canonical: (...args) => {
    try {
      return scanCanonical(...args);
    } catch {
      return undefined;
    }
  },
  general: (...args) => {
    try {
      return scanGeneral(...args);
    } catch {
      return undefined;
    }
  },
};

/** The general tier: any layout JSON allows, with the limits of scan-cursor.ts. */
function scanGeneral(
  text: string,
  maxBytes: number,
  referenceMicros: bigint,
  limits: ValidationLimits,
): ScannedEvent {
  const bom = text.charCodeAt(0) === 0xfeff;
  const c = new JsonCursor(text, bom ? 1 : 0);
  beginEvent();
  let seen = 0;
  let last = -1;
  let eventId = '';
  let eventType: ScannedEvent['eventType'] = 'sale';
  let transactionId = '';
  let storeId = '';
  let registerId = '';
  let cashierId = '';
  let occurredAtMicros = 0;
  let currency = '';
  let subtotal = 0;
  let tax = 0;
  let total = 0;
  let customerId: string | null = null;
  let loyaltyPoints: number | null = null;
  let originalTransactionId: string | null = null;
  let lineCount = 0;
  let lineSum = 0;
  let tenderSum = 0;

  if (c.open(LBRACE, RBRACE))
    do {
      const k = c.key(TOP_KEYS, last + 1);
      last = k;
      if (k < 0) {
        c.skipValue(); // an unknown key: the schema strips it, raw_payload keeps it
        continue;
      }
      if (seen & (1 << k)) fail();
      seen |= 1 << k;
      switch (k) {
        case 0:
          if (c.integer(1) !== 1) fail();
          break;
        case 1:
          eventId = c.uuid();
          break;
        case 2:
          eventType = oneOf(c, EVENT_TYPES);
          break;
        case 3:
          transactionId = c.id();
          break;
        case 4:
          storeId = c.id();
          break;
        case 5:
          registerId = c.id();
          break;
        case 6:
          cashierId = c.id();
          break;
        case 7:
          c.string();
          occurredAtMicros = instantMicros(text, c.strStart, c.strEnd);
          break;
        case 8:
          c.string();
          currency = knownCurrency(text.slice(c.strStart, c.strEnd));
          break;
        case 9:
          if (c.open(LBRACKET, RBRACKET))
            do {
              if (++lineCount > MAX_LINES) fail();
              lineSum += scanLine(c);
            } while (c.more(RBRACKET));
          break;
        case 10:
          if (c.open(LBRACKET, RBRACKET)) {
            let tenders = 0;
            do {
              if (++tenders > MAX_TENDERS) fail();
              tenderSum += scanTender(c);
            } while (c.more(RBRACKET));
          }
          break;
        case 11:
          subtotal = c.moneyCents();
          break;
        case 12:
          tax = c.moneyCents();
          break;
        case 13:
          total = c.moneyCents();
          break;
        case 14:
          customerId = c.null() ? null : c.id();
          break;
        case 15:
          loyaltyPoints = c.null() ? null : c.integer(1_000_000_000);
          break;
        default:
          originalTransactionId = c.null() ? null : c.id();
      }
    } while (c.more(RBRACE));
  c.peek();
  if (c.pos !== text.length) fail(); // only whitespace after the object

  if ((seen & TOP_REQUIRED) !== TOP_REQUIRED) fail();
  const event: ScannedEvent = {
    eventId,
    eventType,
    transactionId,
    originalTransactionId,
    storeId,
    registerId,
    cashierId,
    customerId,
    occurredAtMicros,
    currency,
    lineCount,
    subtotalCents: subtotal,
    taxCents: tax,
    totalCents: total,
    loyaltyPoints,
    rawText: bom ? text.slice(1) : text,
  };
  return checkEvent(event, lineSum, tenderSum, text, maxBytes, referenceMicros, limits);
}

/** One line object and its rules (checkLine); its lineTotal. */
function scanLine(c: JsonCursor): number {
  let seen = 0;
  let last = -1;
  let lineNo = 0;
  let quantityMilli = 0;
  let unitPrice = 0;
  let discount = 0;
  let lineTotal = 0;
  if (!c.open(LBRACE, RBRACE)) fail();
  do {
    const k = c.key(LINE_KEYS, last + 1);
    last = k;
    if (k < 0) {
      c.skipValue();
      continue;
    }
    if (seen & (1 << k)) fail();
    seen |= 1 << k;
    switch (k) {
      case 0:
        lineNo = c.integer(99_999); // checkLine checks the range
        break;
      case 1:
        c.id(); // sku: only its shape matters here
        break;
      case 2:
        quantityMilli = c.quantityMilli();
        break;
      case 3:
        unitPrice = c.moneyCents();
        break;
      case 4:
        discount = c.moneyCents();
        break;
      default:
        lineTotal = c.moneyCents();
    }
  } while (c.more(RBRACE));
  if ((seen & LINE_REQUIRED) !== LINE_REQUIRED) fail();
  checkLine(lineNo, quantityMilli, unitPrice, discount, lineTotal);
  return lineTotal;
}

/** One tender object; its amount. */
function scanTender(c: JsonCursor): number {
  let seen = 0;
  let last = -1;
  let amount = 0;
  if (!c.open(LBRACE, RBRACE)) fail();
  do {
    const k = c.key(TENDER_KEYS, last + 1);
    last = k;
    if (k < 0) {
      c.skipValue();
      continue;
    }
    if (seen & (1 << k)) fail();
    seen |= 1 << k;
    if (k === 0) oneOf(c, TENDER_METHODS);
    else amount = c.moneyCents();
  } while (c.more(RBRACE));
  if (seen !== 0b11) fail();
  return amount;
}

/** A string that is one of `values`, returned as that constant. */
function oneOf<T extends string>(c: JsonCursor, values: readonly T[]): T {
  c.string();
  const length = c.strEnd - c.strStart;
  for (const v of values) if (v.length === length && c.text.startsWith(v, c.strStart)) return v;
  return fail();
}
