/**
 * The landing use case on a local folder: routing, exactly-once replay, crash recovery and
 * same-stream races. Every assertion reads the Delta tables back.
 */
import { describe, expect, test } from 'vitest';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { BRONZE_TABLE, QUARANTINE_TABLE } from '../../../shared/ingest/bronze-tables.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { failingCommits, portsFor, positions, rowsOf, tempLake, versionOf, NOW_MS } from './helpers.js';

function mixedBatch() {
  const good = [
    validEvent(),
    JSON.stringify(validEvent()),
    Buffer.from(JSON.stringify(validEvent({ extraField: { kept: true } }))),
  ];
  const bad = [
    validEvent({ currency: 'XXQ' }),
    'not json',
    42,
    validEvent({ eventType: 'refund' }),
    Buffer.from([0xc3, 0x28]),
  ];
  return { events: [good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3], bad[4]], good: 3, bad: 5 };
}

describe('landBatch', () => {
  test('a mixed batch lands valid events in Bronze and quarantines the rest with reason codes', async () => {
    const lake = tempLake();
    const ports = portsFor(lake);
    const { events } = mixedBatch();
    const result = await landBatch(ports, events, {
      source: 'eventhub',
      streamId: 'cg-0',
      partitionId: '0',
      positions: positions(100, events.length),
    });
    expect([result.landed, result.quarantined, result.replayed]).toEqual([3, 5, 0]);

    const bronze = await rowsOf(ports.bronze);
    expect(bronze.map((r) => r.eh_sequence_number).sort()).toEqual([100n, 102n, 105n]);
    const extra = bronze.find((r) => r.eh_sequence_number === 105n);
    expect(JSON.parse(String(extra?.raw_payload))).toMatchObject({ extraField: { kept: true } });
    expect(extra).toMatchObject({
      source: 'eventhub',
      stream_id: 'cg-0',
      eh_partition: '0',
      eh_offset: '10500',
      total: 756n,
      currency: 'USD',
      ingest_date: Math.floor(NOW_MS / 86_400_000),
    });

    const quarantine = await rowsOf(ports.quarantine);
    const bySeq = new Map(quarantine.map((r) => [r.eh_sequence_number, r]));
    expect(bySeq.get(101n)?.reason_codes).toEqual(['bad_currency']);
    expect(bySeq.get(103n)).toMatchObject({
      reason_code: 'body_not_json',
      raw_body: 'not json',
      raw_encoding: 'utf8',
    });
    expect(bySeq.get(104n)).toMatchObject({ reason_code: 'body_not_object', raw_body: '42' });
    expect(bySeq.get(106n)?.reason_codes).toEqual(['refund_without_original']);
    expect(bySeq.get(107n)).toMatchObject({
      reason_code: 'body_not_utf8',
      raw_body: 'wyg=',
      raw_encoding: 'base64',
    });
    expect(lake.root).toContain('ingest-');
  });

  test('the same batch redelivered lands nothing new and commits nothing', async () => {
    const lake = tempLake();
    const ports = portsFor(lake);
    const { events } = mixedBatch();
    const meta = {
      source: 'eventhub' as const,
      streamId: 'cg-0',
      partitionId: '0',
      positions: positions(0, events.length),
    };
    await landBatch(ports, events, meta);
    const versions = [await versionOf(ports.bronze), await versionOf(ports.quarantine)];
    const again = await landBatch(ports, events, meta);
    expect([again.landed, again.quarantined, again.replayed]).toEqual([0, 0, events.length]);
    expect([await versionOf(ports.bronze), await versionOf(ports.quarantine)]).toEqual(versions);
    // A redelivery that overlaps and extends the first batch lands only the new tail.
    const longer = [...events, validEvent(), 'junk'];
    const tail = await landBatch(ports, longer, { ...meta, positions: positions(0, longer.length) });
    expect([tail.landed, tail.quarantined, tail.replayed]).toEqual([1, 1, events.length]);
    expect((await rowsOf(ports.bronze)).length).toBe(4);
    expect((await rowsOf(ports.quarantine)).length).toBe(6);
  });

  test.each([
    ['the quarantine commit', QUARANTINE_TABLE],
    ['the Bronze commit', BRONZE_TABLE],
  ])(
    'a crash between Parquet write and %s loses and duplicates nothing on redelivery',
    async (_name, table) => {
      const lake = tempLake();
      const healthy = portsFor(lake);
      const failing = failingCommits(prefixed(lake, table));
      const ports =
        table === BRONZE_TABLE ? { ...healthy, bronze: failing } : { ...healthy, quarantine: failing };
      const { events, good, bad } = mixedBatch();
      const meta = {
        source: 'eventhub' as const,
        streamId: 'cg-7',
        partitionId: '7',
        positions: positions(1000, events.length),
      };
      await landBatch(healthy, [], meta).catch(() => undefined); // tables exist; nothing else
      await expect(landBatch(ports, events, meta)).rejects.toThrow(/injected crash/);
      expect(failing.failures).toBe(1);
      const redelivered = await landBatch(ports, events, meta);
      expect(redelivered.landed + redelivered.quarantined + redelivered.replayed).toBe(events.length);
      const bronze = await rowsOf(healthy.bronze);
      const quarantine = await rowsOf(healthy.quarantine);
      expect(bronze.length).toBe(good);
      expect(quarantine.length).toBe(bad);
      const seqs = [...bronze, ...quarantine].map((r) => Number(r.eh_sequence_number)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: events.length }, (_, i) => 1000 + i));
    },
  );

  test('two owners of one stream racing with the same batch land it once (ConcurrentTransaction)', async () => {
    const lake = tempLake();
    const ports = portsFor(lake);
    const events = Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? 'junk' : validEvent()));
    const meta = {
      source: 'eventhub' as const,
      streamId: 'cg-3',
      partitionId: '3',
      positions: positions(50, events.length),
    };
    await landBatch(ports, [], { source: 'eventhub' }); // create the tables first
    const results = await Promise.all([
      landBatch(ports, events, meta),
      landBatch(ports, events, meta),
      landBatch(ports, events, meta),
    ]);
    const landed = results.reduce((n, r) => n + r.landed, 0);
    const quarantined = results.reduce((n, r) => n + r.quarantined, 0);
    expect([landed, quarantined]).toEqual([16, 4]);
    expect((await rowsOf(ports.bronze)).length).toBe(16);
    expect((await rowsOf(ports.quarantine)).length).toBe(4);
  });

  test('HTTP batches (no stream) land without a watermark', async () => {
    const ports = portsFor(tempLake());
    const result = await landBatch(ports, [validEvent(), '{'], { source: 'http', requestId: 'req-1' });
    expect([result.landed, result.quarantined]).toEqual([1, 1]);
    const [row] = await rowsOf(ports.bronze);
    expect(row).toMatchObject({
      source: 'http',
      stream_id: null,
      eh_sequence_number: null,
      request_id: 'req-1',
    });
  });
});
