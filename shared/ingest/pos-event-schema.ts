/**
 * The POS event v1 contract (ARCHITECTURE.md §3.1) as a zod schema: shapes, types and formats.
 * Money fields become exact cents and `occurredAt` exact microseconds while parsing, so the rules
 * (validate-event.ts) never see text or floats. Every issue this schema can raise maps to one stable
 * reason code (`reasonOf` in validate-event.ts); custom checks carry the code in `params.reason`.
 * Unknown extra fields are allowed (and kept in Bronze's raw payload, not here).
 */
import { z } from 'zod';
import { parseMoney } from './money.js';
import type { ReasonCode } from './reason-codes.js';
import { parseInstantMicros } from './timestamp.js';

export const EVENT_TYPES = ['sale', 'refund', 'void'] as const;
export const TENDER_METHODS = ['card', 'cash', 'mobile', 'giftcard'] as const;

export const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const MAX_ID_LENGTH = 64;
export const MAX_LINES = 1000;
export const MAX_TENDERS = 100;
export const MAX_LINE_NO = 10_000;
export const MAX_LOYALTY_POINTS = 1_000_000_000;

/**
 * What an id may hold: no control character (C0, DEL, C1) and no lone surrogate. Ids are join keys
 * and typed Bronze columns: a control character never belongs in one, and a lone surrogate has no
 * UTF-8 form, so Parquet would store U+FFFD instead and two different ids would read as the same.
 * (With the u flag a lone surrogate is one code point of category Cs; a valid pair is not.)
 */
export const ID_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;

const id = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(ID_TEXT, 'contains a control character or a lone surrogate');
const optionalId = id.nullable().optional();

const money = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = parseMoney(value);
  if (parsed.ok) return parsed.cents;
  ctx.addIssue({
    code: 'custom',
    message: `not a money amount: ${JSON.stringify(value)}`,
    params: reasonParams('bad_money'),
  });
  return z.NEVER;
});

const instant = z.string().transform((value, ctx) => {
  const micros = parseInstantMicros(value);
  if (micros !== undefined) return micros;
  ctx.addIssue({
    code: 'custom',
    message: `not an ISO-8601 instant with a zone: ${JSON.stringify(value)}`,
    params: reasonParams('bad_timestamp'),
  });
  return z.NEVER;
});

const currency = z.string().refine((c) => CURRENCIES.has(c), {
  message: 'not an ISO 4217 currency code',
  params: reasonParams('bad_currency'),
});

export const posLineSchema = z.object({
  lineNo: z.int().min(1).max(MAX_LINE_NO),
  sku: id,
  quantity: z.number(),
  unitPrice: money,
  discount: money.optional(),
  lineTotal: money,
});

export const posTenderSchema = z.object({
  method: z.enum(TENDER_METHODS),
  amount: money,
});

export const posEventV1Schema = z.object({
  schemaVersion: z.literal(1),
  eventId: z.string().regex(UUID),
  eventType: z.enum(EVENT_TYPES),
  transactionId: id,
  storeId: id,
  registerId: id,
  cashierId: id,
  occurredAt: instant,
  currency,
  lines: z.array(posLineSchema).max(MAX_LINES),
  tenders: z.array(posTenderSchema).max(MAX_TENDERS),
  subtotal: money,
  tax: money,
  total: money,
  customerId: optionalId,
  loyaltyPoints: z.int().min(0).max(MAX_LOYALTY_POINTS).nullable().optional(),
  originalTransactionId: optionalId,
});

export type PosEventV1 = z.output<typeof posEventV1Schema>;
export type PosLine = z.output<typeof posLineSchema>;

export function reasonParams(reason: ReasonCode): { reason: ReasonCode } {
  return { reason };
}
