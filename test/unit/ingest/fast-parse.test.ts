/**
 * The fast path accepts exactly what the zod schema accepts, with the same values: random mutations
 * of a valid event (any field deleted or replaced, money as numbers and strings of every shape, ids
 * with control characters and lone surrogates).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fastParse } from '../../../shared/ingest/fast-parse.js';
import { posEventV1Schema } from '../../../shared/ingest/pos-event-schema.js';
import { validEvent } from './fixtures.js';

const moneyLike = fc.oneof(
  fc.integer({ min: -1e6, max: 1e9 }).map((c) => c / 100),
  fc.double({ noNaN: false }),
  fc
    .tuple(fc.integer({ min: -1e6, max: 1e9 }), fc.integer({ min: 0, max: 4 }))
    .map(([c, digits]) => (c / 100).toFixed(digits)),
  fc.constantFrom(
    '1e3',
    '0.1',
    ' 5.00',
    '-0',
    '007.50',
    '1.005',
    '',
    '12.',
    '.5',
    1e21,
    1e13,
    99999999999.99,
    -0,
  ),
  fc.string(),
);

/** Id-like text with the characters ids refuse (controls, lone surrogates) and some they take. */
const idLike = fc.string({
  unit: fc.constantFrom(
    'S',
    '7',
    'é',
    ' ',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\ud800',
    '\udc00',
    '\ud83d\ude00',
  ),
  maxLength: 4,
});

const anyValue = fc.oneof(fc.jsonValue(), moneyLike, idLike, fc.constant(undefined), fc.constant(null));

const LINE_FIELDS = ['lineNo', 'sku', 'quantity', 'unitPrice', 'discount', 'lineTotal'];
const TOP_FIELDS = [
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
];

const mutation = fc.record({
  top: fc.array(fc.tuple(fc.constantFrom(...TOP_FIELDS), anyValue), { maxLength: 2 }),
  line: fc.array(fc.tuple(fc.constantFrom(...LINE_FIELDS), anyValue), { maxLength: 2 }),
  tender: fc.option(fc.tuple(fc.constantFrom('method', 'amount'), anyValue)),
});

describe('fastParse ≡ posEventV1Schema', () => {
  test('same acceptance and same values', () => {
    fc.assert(
      fc.property(mutation, ({ top, line, tender }) => {
        const e = validEvent() as Record<string, unknown> & {
          lines: Record<string, unknown>[];
          tenders: Record<string, unknown>[];
        };
        for (const [k, v] of line) (e.lines[0] as Record<string, unknown>)[k] = v;
        if (tender) (e.tenders[0] as Record<string, unknown>)[tender[0]] = tender[1];
        for (const [k, v] of top) e[k] = v;
        const slow = posEventV1Schema.safeParse(e);
        const fast = fastParse(e);
        expect(fast !== undefined).toBe(slow.success);
        if (slow.success && fast) {
          expect({ ...fast, lines: fast.lines.map((l) => ({ ...l, discount: l.discount ?? null })) }).toEqual(
            {
              ...slow.data,
              lines: slow.data.lines.map((l) => ({ ...l, discount: l.discount ?? null })),
            },
          );
        }
      }),
      { numRuns: 3000 },
    );
  });
});
