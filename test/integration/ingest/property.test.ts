/**
 * Property: for any batch of malformed, mutated and valid bodies, landBatch never throws, and every
 * delivered event is in exactly one of Bronze or quarantine (checked by scanning both tables);
 * redelivering the batch changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { portsFor, positions, rowsOf } from './helpers.js';

const FIELDS = [
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

const mutated = fc
  .record({
    field: fc.constantFrom(...FIELDS),
    action: fc.constantFrom('delete', 'replace'),
    value: fc.oneof(
      fc.jsonValue(),
      fc.string(),
      fc.double(),
      fc.constant(null),
      fc.constant('1e400'),
      fc.constant('-0.001'),
    ),
  })
  .map(({ field, action, value }) => {
    const e = validEvent();
    if (action === 'delete') delete e[field];
    else e[field] = value;
    return e;
  });

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => validEvent()) },
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: mutated.map((e) => JSON.stringify(e)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 2, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.constant('x'.repeat(300_000)) },
);

describe('landBatch over malformed input', () => {
  test('no exceptions; every event in exactly one table; redelivery is a no-op', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 25 }), async (events) => {
        const ports = portsFor(new MemoryStore('prop'));
        const meta = {
          source: 'eventhub' as const,
          streamId: 'cg-0',
          partitionId: '0',
          positions: positions(1, events.length),
        };
        const result = await landBatch(ports, events, meta);
        expect(result.landed + result.quarantined).toBe(events.length);
        const bronze = await rowsOf(ports.bronze);
        const quarantine = await rowsOf(ports.quarantine);
        const seqs = [...bronze, ...quarantine]
          .map((r) => Number(r.eh_sequence_number))
          .sort((a, b) => a - b);
        expect(seqs).toEqual(events.map((_, i) => i + 1));
        for (const o of result.outcomes) {
          const inBronze = bronze.some((r) => r.eh_sequence_number === BigInt(o.index + 1));
          expect(inBronze).toBe(o.status === 'landed');
        }
        const again = await landBatch(ports, events, meta);
        expect(again.replayed).toBe(events.length);
        expect((await rowsOf(ports.bronze)).length + (await rowsOf(ports.quarantine)).length).toBe(
          events.length,
        );
      }),
      { numRuns: 150 },
    );
  });
});
