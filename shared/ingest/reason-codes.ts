/**
 * Stable reason codes for rejected POS events. They are data (quarantine rows, HTTP 202 answers,
 * dashboards filter on them): never rename one; add new codes at the end of their stage.
 *
 * Stages: `decode` (the body cannot become a JSON object), `schema` (shape and formats of the v1
 * contract), `rules` (arithmetic and business rules across fields).
 */
export const REASON_CODES = {
  // decode
  body_too_large: 'the event body exceeds the size limit',
  body_not_utf8: 'the event body is not valid UTF-8',
  body_not_json: 'the event body is not JSON',
  body_not_object: 'the event body is JSON but not an object',
  // schema
  missing_field: 'a required field is missing or null',
  wrong_type: 'a field has the wrong JSON type',
  invalid_format: 'a string field does not have the required format',
  out_of_range: 'a numeric field is outside its allowed range',
  unsupported_schema_version: 'schemaVersion is not 1',
  unknown_event_type: 'eventType is not sale, refund or void',
  unknown_tender_method: 'a tender method is not card, cash, mobile or giftcard',
  bad_currency: 'currency is not an ISO 4217 code',
  bad_money: 'a money amount is not a decimal with at most 2 fraction digits within decimal(18,2)',
  bad_timestamp: 'occurredAt is not an ISO-8601 instant with a zone',
  // rules
  negative_amount:
    'a money amount is negative (refunds carry positive amounts; the event type gives the sign)',
  non_positive_quantity: 'a line quantity is zero or negative',
  duplicate_line_no: 'two lines have the same lineNo',
  no_lines: 'a sale or refund has no lines',
  no_tenders: 'a non-zero total has no tenders',
  line_total_mismatch: 'quantity × unitPrice − discount differs from lineTotal by more than a cent',
  subtotal_mismatch: 'the sum of lineTotal differs from subtotal by more than a cent',
  total_mismatch: 'total is not subtotal + tax',
  tender_total_mismatch: 'the sum of tender amounts is not total',
  occurred_at_in_future: 'occurredAt is later than the reference time plus the tolerance',
  occurred_at_too_old: 'occurredAt is older than the maximum event age',
  refund_without_original: 'a refund has no originalTransactionId',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

export const ALL_REASON_CODES = Object.keys(REASON_CODES) as ReasonCode[];

/** One reason an event was rejected; `path` is the JSON path of the offending field ('' = the body). */
export interface Rejection {
  code: ReasonCode;
  path: string;
  message: string;
}

export function rejection(code: ReasonCode, path: string, message: string = REASON_CODES[code]): Rejection {
  return { code, path, message };
}
