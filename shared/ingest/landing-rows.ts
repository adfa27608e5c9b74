/**
 * The row layout of the landing tables: which Bronze and quarantine columns vary per event (in the
 * order the row builders fill them; the rest are batch constants), and the builders themselves. A
 * quarantine row keeps what can be read of an identifying field (strings only, at most 256 characters)
 * even when the body failed validation.
 */
import type { EventPosition } from './batch-metadata.js';
import type { RawBody } from './decode-body.js';
import type { PosEventV1 } from './pos-event-schema.js';
import type { ReasonCode, Rejection } from './reason-codes.js';
import type { ScannedEvent } from './scan-event.js';

/** Per-event Bronze columns, in the order `bronzeRow` fills them; the rest are batch constants. */
export const BRONZE_PER_ROW = [
  'event_id',
  'event_type',
  'schema_version',
  'transaction_id',
  'original_transaction_id',
  'store_id',
  'register_id',
  'cashier_id',
  'customer_id',
  'occurred_at',
  'currency',
  'line_count',
  'subtotal',
  'tax',
  'total',
  'loyalty_points',
  'eh_offset',
  'eh_sequence_number',
  'eh_enqueued_time',
  'eh_partition_key',
  'raw_payload',
];

export function bronzeRow(e: PosEventV1, rawText: string, p: EventPosition | undefined): unknown[] {
  return [
    e.eventId,
    e.eventType,
    e.schemaVersion,
    e.transactionId,
    e.originalTransactionId ?? null,
    e.storeId,
    e.registerId,
    e.cashierId,
    e.customerId ?? null,
    e.occurredAt,
    e.currency,
    e.lines.length,
    e.subtotal,
    e.tax,
    e.total,
    e.loyaltyPoints === undefined || e.loyaltyPoints === null ? null : BigInt(e.loyaltyPoints),
    ...position(p),
    rawText,
  ];
}

/** The row `bronzeRow` builds for the same event, from the single-pass scanner's values. */
export function scannedBronzeRow(s: ScannedEvent, p: EventPosition | undefined): unknown[] {
  return [
    s.eventId,
    s.eventType,
    1,
    s.transactionId,
    s.originalTransactionId,
    s.storeId,
    s.registerId,
    s.cashierId,
    s.customerId,
    BigInt(s.occurredAtMicros),
    s.currency,
    s.lineCount,
    BigInt(s.subtotalCents),
    BigInt(s.taxCents),
    BigInt(s.totalCents),
    s.loyaltyPoints === null ? null : BigInt(s.loyaltyPoints),
    ...position(p),
    s.rawText,
  ];
}

export const QUARANTINE_PER_ROW = [
  'event_id',
  'event_type',
  'store_id',
  'reason_code',
  'reason_codes',
  'reason_messages',
  'raw_encoding',
  'raw_truncated',
  'eh_offset',
  'eh_sequence_number',
  'eh_enqueued_time',
  'eh_partition_key',
  'raw_body',
];

export function quarantineRow(
  reasons: Rejection[],
  raw: RawBody,
  body: Record<string, unknown> | undefined,
  p: EventPosition | undefined,
): unknown[] {
  const codes: ReasonCode[] = reasons.map((r) => r.code);
  return [
    body ? stringField(body, 'eventId') : null,
    body ? stringField(body, 'eventType') : null,
    body ? stringField(body, 'storeId') : null,
    codes[0] ?? 'body_not_json',
    codes,
    reasons.map((r) => r.message),
    raw.encoding,
    raw.truncated === true,
    ...position(p),
    raw.body,
  ];
}

function position(p: EventPosition | undefined): unknown[] {
  return [
    p?.offset ?? null,
    p?.sequenceNumber === undefined ? null : BigInt(p.sequenceNumber),
    p?.enqueuedTimeMicros ?? null,
    p?.partitionKey ?? null,
  ];
}

export function stringField(body: Record<string, unknown>, name: string): string | null {
  const v = body[name];
  return typeof v === 'string' ? v.slice(0, 256) : null;
}
