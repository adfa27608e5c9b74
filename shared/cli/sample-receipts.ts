/**
 * A small deterministic source of sample receipts for `lakehouse run` until the real POS simulator
 * (issue: exactly-once POS ingest) lands. Seeded, so two runs with the same seed produce the same rows.
 */
import type { StructType } from '../delta/protocol/schema.js';
import { field, struct } from '../delta/protocol/schema.js';
import type { ColumnBatch } from '../delta/write/data-file-writer.js';

export const BRONZE_SAMPLE_SCHEMA: StructType = struct(
  field('event_id', 'string', false),
  field('event_type', 'string', false),
  field('store_id', 'string', false),
  field('transaction_id', 'string', false),
  field('occurred_at', 'timestamp', false),
  field('total', 'decimal(18,2)', false),
  field('raw_payload', 'string', false),
  field('eh_partition', 'string', false),
  field('eh_sequence_number', 'long', false),
  field('ingest_date', 'date', false),
);

export function sampleReceipts(seed: number, stores: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: deterministic, fast, good enough for sample data
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  return {
    batch(count: number, partition: number, firstSequence: number): { columns: ColumnBatch } {
      const cols: Record<string, unknown[]> = Object.fromEntries(
        BRONZE_SAMPLE_SCHEMA.fields.map((f) => [f.name, []]),
      );
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        const seq = firstSequence + i;
        const store = `S${String(1 + Math.floor(next() * stores)).padStart(4, '0')}`;
        const cents = BigInt(100 + Math.floor(next() * 20000));
        const eventId = `p${partition}-${seq}-${Math.floor(next() * 1e9).toString(36)}`;
        const occurred = BigInt(now - Math.floor(next() * 5000)) * 1000n;
        const payload = JSON.stringify({
          schemaVersion: 1,
          eventId,
          eventType: 'sale',
          storeId: store,
          total: Number(cents) / 100,
        });
        cols.event_id?.push(eventId);
        cols.event_type?.push('sale');
        cols.store_id?.push(store);
        cols.transaction_id?.push(`T-${eventId}`);
        cols.occurred_at?.push(occurred);
        cols.total?.push(cents);
        cols.raw_payload?.push(payload);
        cols.eh_partition?.push(String(partition));
        cols.eh_sequence_number?.push(BigInt(seq));
        cols.ingest_date?.push(Math.floor(now / 86_400_000));
      }
      return { columns: cols };
    },
  };
}
