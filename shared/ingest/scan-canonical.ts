/**
 * The first tier of the event scanner (scan-event.ts): the compact layout in schema order — what
 * JSON.stringify writes for an event object built in contract order, as the registers and the
 * simulator send it — matched with a few sticky regexes, so the per-character work runs in the
 * native regex engine; JavaScript only reads the captured strings and the numbers of lines and
 * tenders, whose offsets the match fixes (several times faster than the charCodeAt tier).
 *
 * Returns undefined when the text is not in that layout (the general tier then reads it) and throws
 * FALLBACK when it is but the event breaks a rule or leaves the fast path's value ranges (the full
 * path then finds the reasons). The layout admits only what the general tier admits too: strings
 * without escapes, control characters or surrogates; numbers without sign or exponent, money with
 * the same digit rules (moneyDigits); customerId, loyaltyPoints and originalTransactionId absent or
 * null, discount absent or an amount; trailing whitespace. No key can repeat and none is unknown,
 * as each is spelt out in its place.
 */
import { JsonCursor } from './scan-cursor.js';
import { fail, moneyDigits } from './scan-digits.js';
import { instantMicros } from './scan-instant.js';
import { beginEvent, checkEvent, checkLine, knownCurrency, type ScannedEvent } from './scan-rules.js';
import type { PosEventV1 } from './pos-event-schema.js';
import {
  EVENT_TYPES,
  MAX_ID_LENGTH,
  MAX_LINES,
  MAX_LOYALTY_POINTS,
  MAX_TENDERS,
  TENDER_METHODS,
  UUID,
} from './pos-event-schema.js';
import type { ValidationLimits } from './validate-event.js';

/**
 * A string's character: no quote, backslash (escape), control character (C0, DEL, C1) or surrogate
 * code unit — the general tier's `JsonCursor.string` refuses the same.
 */
const CHAR = String.raw`[^"\\\x00-\x1f\x7f-\x9f\ud800-\udfff]`;
// Ids are matched unbounded and their length (≤ MAX_ID_LENGTH) checked on the capture: a bounded
// repeat makes the native matcher markedly slower.
const ID = `(${CHAR}+)`;
const OPTIONAL_ID = `(?:null|"${ID}")`;
/** A JSON number without sign or exponent, or a decimal string; captured with its quotes. */
const MONEY = String.raw`((?:0|[1-9]\d*)(?:\.\d+)?|"\d+(?:\.\d+)?")`;

const HEAD = new RegExp(
  String.raw`\{"schemaVersion":1,"eventId":"(${UUID.source.slice(1, -1)})","eventType":"(${EVENT_TYPES.join('|')})",` +
    `"transactionId":"${ID}","storeId":"${ID}","registerId":"${ID}","cashierId":"${ID}",` +
    `"occurredAt":"(${CHAR}*)","currency":"(${CHAR}*)","lines":\\[`,
  'y',
);
// A line or a tender with the ',' or ']' after it. They are only matched (captures cost more than
// reading the few numbers at their known offsets with the cursor); MONEY_TOKEN is MONEY, no group.
const MONEY_TOKEN = String.raw`(?:(?:0|[1-9]\d*)(?:\.\d+)?|"\d+(?:\.\d+)?")`;
const LINE = new RegExp(
  String.raw`\{"lineNo":[1-9]\d{0,4},"sku":"${CHAR}+","quantity":(?:0|[1-9]\d{0,8})(?:\.\d{1,3})?,` +
    String.raw`"unitPrice":${MONEY_TOKEN},(?:"discount":${MONEY_TOKEN},)?"lineTotal":${MONEY_TOKEN}\}[,\]]`,
  'y',
);
const TENDER = new RegExp(
  String.raw`\{"method":"(?:${TENDER_METHODS.join('|')})","amount":${MONEY_TOKEN}\}[,\]]`,
  'y',
);
const TAIL = new RegExp(
  String.raw`,"subtotal":${MONEY},"tax":${MONEY},"total":${MONEY}(?:,"customerId":${OPTIONAL_ID})?` +
    String.raw`(?:,"loyaltyPoints":(?:null|(0|[1-9]\d{0,9})))?(?:,"originalTransactionId":${OPTIONAL_ID})?\}[ \t\n\r]*$`,
  'y',
);
/** Lengths of the fixed texts before the values of a line and of a tender (see LINE and TENDER). */
const SKIP = {
  lineNo: '{"lineNo":'.length,
  sku: ',"sku":"'.length,
  quantity: '","quantity":'.length,
  unitPrice: ',"unitPrice":'.length,
  discount: ',"discount":'.length,
  lineTotal: ',"lineTotal":'.length,
  method: '{"method":"'.length,
  amount: '","amount":'.length,
};
const EVENT_TYPE: Readonly<Record<PosEventV1['eventType'], PosEventV1['eventType']>> = {
  sale: 'sale',
  refund: 'refund',
  void: 'void',
};
type HeadGroups = [string, string, PosEventV1['eventType'], string, string, string, string, string, string];
const TENDERS_KEY = ',"tenders":[';
const COMMA = 0x2c;
const RBRACKET = 0x5d;
const QUOTE = 0x22;

export function scanCanonical(
  text: string,
  maxBytes: number,
  referenceMicros: bigint,
  limits: ValidationLimits,
): ScannedEvent | undefined {
  HEAD.lastIndex = 0;
  const head = HEAD.exec(text);
  if (head === null) return undefined;
  beginEvent();
  // LINE and TENDER fix the layout, so the cursor reads the numbers at known offsets (SKIP).
  const c = new JsonCursor(text, HEAD.lastIndex);
  let lineCount = 0;
  let lineSum = 0;
  let more = !closes(c);
  while (more) {
    LINE.lastIndex = c.pos;
    if (!LINE.test(text)) return undefined;
    if (++lineCount > MAX_LINES) fail();
    c.pos += SKIP.lineNo;
    const lineNo = c.integer(99_999);
    const skuStart = c.pos + SKIP.sku;
    const skuEnd = text.indexOf('"', skuStart);
    if (skuEnd - skuStart > MAX_ID_LENGTH) fail();
    c.pos = skuEnd + SKIP.quantity;
    const quantityMilli = c.quantityMilli();
    c.pos += SKIP.unitPrice;
    const unitPrice = c.moneyCents();
    let discount = 0;
    if (text.charCodeAt(c.pos + 2) === 0x64 /* ',"d' */) {
      c.pos += SKIP.discount;
      discount = c.moneyCents();
    }
    c.pos += SKIP.lineTotal;
    const lineTotal = c.moneyCents();
    checkLine(lineNo, quantityMilli, unitPrice, discount, lineTotal);
    lineSum += lineTotal;
    c.pos = LINE.lastIndex;
    more = text.charCodeAt(c.pos - 1) === COMMA;
  }
  if (!text.startsWith(TENDERS_KEY, c.pos)) return undefined;
  c.pos += TENDERS_KEY.length;
  let tenders = 0;
  let tenderSum = 0;
  more = !closes(c);
  while (more) {
    TENDER.lastIndex = c.pos;
    if (!TENDER.test(text)) return undefined;
    if (++tenders > MAX_TENDERS) fail();
    c.pos = text.indexOf('"', c.pos + SKIP.method) + SKIP.amount;
    tenderSum += c.moneyCents();
    c.pos = TENDER.lastIndex;
    more = text.charCodeAt(c.pos - 1) === COMMA;
  }
  TAIL.lastIndex = c.pos;
  const tail = TAIL.exec(text);
  if (tail === null) return undefined;

  // Every group of HEAD is mandatory: each is a string.
  const [, eventId, eventType, transactionId, storeId, registerId, cashierId, occurredAt, currency] =
    head as unknown as HeadGroups;
  if (
    transactionId.length > MAX_ID_LENGTH ||
    storeId.length > MAX_ID_LENGTH ||
    registerId.length > MAX_ID_LENGTH ||
    cashierId.length > MAX_ID_LENGTH ||
    (tail[4]?.length ?? 0) > MAX_ID_LENGTH ||
    (tail[6]?.length ?? 0) > MAX_ID_LENGTH
  )
    fail();
  const loyalty = tail[5] === undefined ? null : Number(tail[5]);
  if (loyalty !== null && loyalty > MAX_LOYALTY_POINTS) fail();
  const event: ScannedEvent = {
    eventId,
    eventType: EVENT_TYPE[eventType], // the constant: one string object per type, not per event
    transactionId,
    originalTransactionId: tail[6] ?? null,
    storeId,
    registerId,
    cashierId,
    customerId: tail[4] ?? null,
    occurredAtMicros: instantMicros(occurredAt, 0, occurredAt.length),
    currency: knownCurrency(currency),
    lineCount,
    subtotalCents: money(tail[1]),
    taxCents: money(tail[2]),
    totalCents: money(tail[3]),
    loyaltyPoints: loyalty,
    rawText: text,
  };
  return checkEvent(event, lineSum, tenderSum, text, maxBytes, referenceMicros, limits);
}

/** At an empty list's ']' (consumed): true. */
function closes(c: JsonCursor): boolean {
  if (c.text.charCodeAt(c.pos) !== RBRACKET) return false;
  c.pos++;
  return true;
}

/** A MONEY capture in cents. */
function money(s: string | undefined): number {
  if (s === undefined) return fail(); // not reached: the group is not optional
  const quoted = s.charCodeAt(0) === QUOTE;
  const end = quoted ? s.length - 1 : s.length;
  const dot = s.indexOf('.');
  return moneyDigits(s, quoted ? 1 : 0, dot < 0 ? end : dot, dot < 0 ? end : dot + 1, end, quoted);
}
