import { describe, expect, test } from 'vitest';
import { validateEvent } from '../../../shared/ingest/validate-event.js';
import { decodeBody } from '../../../shared/ingest/decode-body.js';
import { ALL_REASON_CODES, type ReasonCode } from '../../../shared/ingest/reason-codes.js';
import { REFERENCE_MICROS, validEvent, without } from './fixtures.js';

function codesOf(value: unknown): ReasonCode[] {
  const r = validateEvent(value, REFERENCE_MICROS);
  return r.ok ? [] : r.rejections.map((x) => x.code);
}

function decodeCode(body: unknown, maxBytes = 1024): ReasonCode | 'ok' {
  const d = decodeBody(body, maxBytes);
  return d.ok ? 'ok' : d.rejection.code;
}

const line = { lineNo: 1, sku: 'SKU-1', quantity: 2, unitPrice: '3.49', discount: '0', lineTotal: '6.98' };

/** One case per reason code: the input and the code it must produce. */
const CASES: { code: ReasonCode; run: () => ReasonCode[] }[] = [
  { code: 'body_too_large', run: () => [decodeCode('x'.repeat(2000)) as ReasonCode] },
  { code: 'body_not_utf8', run: () => [decodeCode(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])) as ReasonCode] },
  { code: 'body_not_json', run: () => [decodeCode('{"eventId": ') as ReasonCode] },
  { code: 'body_not_object', run: () => [decodeCode(42) as ReasonCode] },
  { code: 'missing_field', run: () => codesOf(without(validEvent(), 'storeId')) },
  { code: 'wrong_type', run: () => codesOf(validEvent({ storeId: 42 })) },
  { code: 'invalid_format', run: () => codesOf(validEvent({ eventId: 'not-a-uuid' })) },
  { code: 'out_of_range', run: () => codesOf(validEvent({ loyaltyPoints: -5 })) },
  { code: 'unsupported_schema_version', run: () => codesOf(validEvent({ schemaVersion: 2 })) },
  { code: 'unknown_event_type', run: () => codesOf(validEvent({ eventType: 'layaway' })) },
  {
    code: 'unknown_tender_method',
    run: () => codesOf(validEvent({ tenders: [{ method: 'cheque', amount: 7.56 }] })),
  },
  { code: 'bad_currency', run: () => codesOf(validEvent({ currency: 'XYZ' })) },
  { code: 'bad_money', run: () => codesOf(validEvent({ tax: '0.585' })) },
  { code: 'bad_timestamp', run: () => codesOf(validEvent({ occurredAt: '2026-11-25 14:03:11' })) },
  {
    code: 'negative_amount',
    run: () =>
      codesOf(
        validEvent({
          lines: [{ ...line, unitPrice: '-3.49', lineTotal: '-6.98' }],
          subtotal: '-6.98',
          tax: '0',
          total: '-6.98',
          tenders: [{ method: 'cash', amount: '-6.98' }],
        }),
      ),
  },
  {
    code: 'non_positive_quantity',
    run: () =>
      codesOf(
        validEvent({
          lines: [{ ...line, quantity: 0, lineTotal: '0' }],
          subtotal: 0,
          tax: 0,
          total: 0,
          tenders: [],
        }),
      ),
  },
  {
    code: 'duplicate_line_no',
    run: () =>
      codesOf(
        validEvent({
          lines: [line, line],
          subtotal: '13.96',
          tax: '0',
          total: '13.96',
          tenders: [{ method: 'cash', amount: '13.96' }],
        }),
      ),
  },
  {
    code: 'no_lines',
    run: () => codesOf(validEvent({ lines: [], subtotal: 0, tax: 0, total: 0, tenders: [] })),
  },
  { code: 'no_tenders', run: () => codesOf(validEvent({ tenders: [] })) },
  {
    code: 'line_total_mismatch',
    run: () =>
      codesOf(
        validEvent({
          lines: [{ ...line, lineTotal: '7.98' }],
          subtotal: '7.98',
          tax: '0',
          total: '7.98',
          tenders: [{ method: 'cash', amount: '7.98' }],
        }),
      ),
  },
  {
    code: 'subtotal_mismatch',
    run: () =>
      codesOf(validEvent({ subtotal: 7.0, total: 7.58, tenders: [{ method: 'card', amount: 7.58 }] })),
  },
  {
    code: 'total_mismatch',
    run: () => codesOf(validEvent({ total: 7.57, tenders: [{ method: 'card', amount: 7.57 }] })),
  },
  {
    code: 'tender_total_mismatch',
    run: () => codesOf(validEvent({ tenders: [{ method: 'card', amount: 7.0 }] })),
  },
  { code: 'occurred_at_in_future', run: () => codesOf(validEvent({ occurredAt: '2026-11-25T15:10:00Z' })) },
  { code: 'occurred_at_too_old', run: () => codesOf(validEvent({ occurredAt: '1970-01-01T00:00:00Z' })) },
  { code: 'refund_without_original', run: () => codesOf(validEvent({ eventType: 'refund' })) },
];

describe('POS event v1 validation', () => {
  test('the fixture event is valid, with numbers or decimal strings as money', () => {
    expect(codesOf(validEvent())).toEqual([]);
    expect(
      codesOf(
        validEvent({
          subtotal: '6.98',
          tax: '0.58',
          total: '7.560',
          tenders: [{ method: 'cash', amount: '7.56' }],
        }),
      ),
    ).toEqual([]);
  });

  test('every reason code has a case', () => {
    expect(CASES.map((c) => c.code).sort()).toEqual([...ALL_REASON_CODES].sort());
  });

  test.each(CASES)('$code', ({ code, run }) => {
    expect(run()).toContain(code);
  });

  test('ids refuse control characters and lone surrogates (Parquet would store U+FFFD for them)', () => {
    for (const bad of ['S\u0000', 'S\u001f', 'S\u007f', 'S\u0085', '\ud800S', 'S\udc00', '\udc00\ud800']) {
      expect(codesOf(validEvent({ storeId: bad })), JSON.stringify(bad)).toEqual(['invalid_format']);
      expect(codesOf(validEvent({ cashierId: bad })), JSON.stringify(bad)).toEqual(['invalid_format']);
    }
    expect(codesOf(validEvent({ lines: [{ ...line, sku: 'SKU\u0000' }] }))).toEqual(['invalid_format']);
    for (const good of ['S\ud83d\ude00', 'Café 12', 'S-0042/b', '\u00a0S'])
      expect(codesOf(validEvent({ storeId: good })), JSON.stringify(good)).toEqual([]);
  });

  test('money is exact: decimal text is never rounded through floats', () => {
    const r = validateEvent(
      validEvent({
        lines: [{ ...line, quantity: 1, unitPrice: '19.99', lineTotal: '19.99' }],
        subtotal: '19.99',
        tax: '0.01',
        total: '20.00',
        tenders: [{ method: 'cash', amount: '20' }],
      }),
      REFERENCE_MICROS,
    );
    expect(r.ok && [r.event.subtotal, r.event.tax, r.event.total]).toEqual([1999n, 1n, 2000n]);
  });

  test('occurredAt keeps microseconds and honours offsets', () => {
    const r = validateEvent(validEvent({ occurredAt: '2026-11-25T09:03:11.123456-05:00' }), REFERENCE_MICROS);
    expect(r.ok && r.event.occurredAt).toBe(BigInt(Date.parse('2026-11-25T14:03:11.123Z')) * 1000n + 456n);
  });

  test('a refund with its original transaction is valid; a void may have no lines', () => {
    expect(codesOf(validEvent({ eventType: 'refund', originalTransactionId: 'T-0000' }))).toEqual([]);
    expect(
      codesOf(validEvent({ eventType: 'void', lines: [], tenders: [], subtotal: 0, tax: 0, total: 0 })),
    ).toEqual([]);
  });

  test('several problems are all reported', () => {
    expect(codesOf(validEvent({ currency: 'usd', eventType: 'gift', storeId: undefined }))).toEqual(
      expect.arrayContaining(['bad_currency', 'unknown_event_type', 'missing_field']),
    );
  });

  test('decode accepts objects, JSON text, Buffers; rejects arrays, null and numbers without throwing', () => {
    const event = validEvent();
    expect(decodeCode(event, 1 << 20)).toBe('ok');
    expect(decodeCode(JSON.stringify(event), 1 << 20)).toBe('ok');
    expect(decodeCode(Buffer.from(JSON.stringify(event)), 1 << 20)).toBe('ok');
    expect(decodeCode('\uFEFF' + JSON.stringify(event), 1 << 20)).toBe('ok');
    for (const bad of [[event], null, 42, true, undefined, 'hello', '"text"', 10n, '\uD800{}']) {
      expect(decodeCode(bad, 1 << 20)).not.toBe('ok');
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(decodeCode(cyclic)).toBe('body_not_json');
  });
});
