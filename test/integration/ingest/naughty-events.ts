/**
 * The Big List of Naughty Strings (npm `big-list-of-naughty-strings`), planted into valid POS events:
 * each string in each place an id, a code, a number, a free field or a key can be (one event per pair).
 */
import { createRequire } from 'node:module';
import { validEvent } from '../../unit/ingest/fixtures.js';

export const naughty = createRequire(import.meta.url)('big-list-of-naughty-strings') as string[];

type Mutation = (event: Record<string, unknown>, s: string) => void;
const line0 = (e: Record<string, unknown>) =>
  (e.lines as Record<string, unknown>[])[0] as Record<string, unknown>;
const tender0 = (e: Record<string, unknown>) =>
  (e.tenders as Record<string, unknown>[])[0] as Record<string, unknown>;
export const PLANTS: Record<string, Mutation> = {
  ...Object.fromEntries(
    ['eventId', 'eventType', 'transactionId', 'storeId', 'registerId', 'cashierId', 'occurredAt', 'currency']
      .concat(['customerId', 'originalTransactionId', 'subtotal', 'schemaVersion'])
      .map((k): [string, Mutation] => [k, (e, s) => (e[k] = s)]),
  ),
  sku: (e, s) => (line0(e).sku = s),
  quantity: (e, s) => (line0(e).quantity = s),
  tenderMethod: (e, s) => (tender0(e).method = s),
  unknownField: (e, s) => (e.note = s),
  key: (e, s) => (e[s] = 1),
};

/** A valid event with each naughty string planted in each of `places` (one event per pair). */
export function plantedEvents(occurredAt: string, places: readonly string[] = Object.keys(PLANTS)): string[] {
  const out: string[] = [];
  for (const plant of places.map((p) => PLANTS[p] as Mutation))
    for (const s of naughty) {
      const n = out.length + 1;
      const event = validEvent({
        eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        transactionId: `T-${n}`,
        occurredAt,
      });
      plant(event, s);
      out.push(JSON.stringify(event));
    }
  return out;
}
