/**
 * The registered handlers, invoked as the worker would: real `InvocationContext` with the Event Hub
 * trigger metadata shapes of notes/functions-and-durable.md §2.1 (camelCased keys, numeric offsets,
 * Long-object sequence numbers, zone-less enqueued times), and real `HttpRequest`s.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { ingestEventHubHandler } from '../../../functions/ingest-eventhub.js';
import { ingestHttpHandler } from '../../../functions/ingest-http.js';
import { setIngestRuntime } from '../../../shared/ingest/compose.js';
import { loadSettings } from '../../../shared/config/config.js';
import type { LandPorts } from '../../../shared/ingest/land-batch.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { portsFor, rowsOf, tempLake } from './helpers.js';

let ports: LandPorts;
beforeEach(() => {
  ports = portsFor(tempLake());
  setIngestRuntime({ settings: loadSettings({ INGEST_MAX_HTTP_BODY_BYTES: '20000' }), ports });
});
afterEach(() => setIngestRuntime(undefined));

function eventHubContext(
  partitionId: string,
  firstSeq: number,
  count: number,
  longs = false,
): InvocationContext {
  const seqs = Array.from({ length: count }, (_, i) => firstSeq + i);
  return new InvocationContext({
    invocationId: `inv-${partitionId}-${firstSeq}`,
    functionName: 'ingest-eventhub',
    logHandler: () => undefined,
    triggerMetadata: {
      partitionContext: {
        fullyQualifiedNamespace: 'ns.servicebus.windows.net',
        eventHubName: 'pos-events',
        consumerGroup: '$Default',
        partitionId,
        isCheckpointingAfterInvocation: true,
      },
      sequenceNumberArray: longs ? seqs.map((s) => ({ low: s, high: 0, unsigned: false })) : seqs,
      offsetArray: seqs.map((s) => s * 512),
      enqueuedTimeUtcArray: seqs.map(() => '2026-11-25T14:59:00.5'),
      partitionKeyArray: seqs.map(() => 'S0042'),
      propertiesArray: seqs.map(() => ({ myProp: 'x' })),
      systemPropertiesArray: seqs.map((s) => ({
        'x-opt-sequence-number': s,
        'x-opt-offset': String(s * 512),
        sequenceNumber: s,
        offset: String(s * 512),
        partitionKey: 'S0042',
        enqueuedTimeUtc: '2026-11-25T14:59:00.5',
      })),
      sys: { methodName: 'ingest-eventhub', utcNow: '2026-11-25T15:00:00Z', randGuid: 'x' },
    },
  });
}

describe('ingest-eventhub handler', () => {
  test('a mixed batch (host-parsed objects, strings, numbers) lands and quarantines; redelivery is a no-op', async () => {
    // What @azure/functions hands over: JSON bodies already parsed, "42" as a number, other text as strings.
    const batch = [validEvent(), 42, 'not json', validEvent({ currency: 'EURO' }), validEvent()];
    const first = await ingestEventHubHandler(batch, eventHubContext('3', 7000, batch.length, true));
    expect([first.landed, first.quarantined]).toEqual([2, 3]);
    const again = await ingestEventHubHandler(batch, eventHubContext('3', 7000, batch.length));
    expect([again.landed, again.quarantined, again.replayed]).toEqual([0, 0, 5]);
    const bronze = await rowsOf(ports.bronze);
    expect(bronze).toHaveLength(2);
    expect(bronze[0]).toMatchObject({
      stream_id: 'eh-pos-events-$Default-3',
      eh_partition: '3',
      eh_partition_key: 'S0042',
      eh_enqueued_time: BigInt(Date.parse('2026-11-25T14:59:00.500Z')) * 1000n,
    });
    const quarantine = await rowsOf(ports.quarantine);
    expect(quarantine.map((r) => r.reason_code).sort()).toEqual([
      'bad_currency',
      'body_not_json',
      'body_not_object',
    ]);
  });

  test('partitions keep separate watermarks', async () => {
    const a = await ingestEventHubHandler([validEvent()], eventHubContext('0', 1, 1));
    const b = await ingestEventHubHandler([validEvent()], eventHubContext('1', 1, 1));
    expect([a.landed, b.landed]).toEqual([1, 1]);
  });
});

describe('POST /api/events', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    ingestHttpHandler(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/events',
        body: { string: body },
        headers,
      }),
      new InvocationContext({ invocationId: 'req-1', logHandler: () => undefined }),
    );

  test('one event → 202', async () => {
    const res = await post(JSON.stringify(validEvent()));
    expect(res.status).toBe(202);
    expect(res.jsonBody).toMatchObject({ received: 1, accepted: 1, rejected: 0 });
  });

  test('a JSON array with a bad event and a repeated eventId → 202 with per-event reasons', async () => {
    const dup = validEvent();
    const res = await post(JSON.stringify([dup, validEvent({ tax: 'lots' }), dup]));
    expect(res.status).toBe(202);
    expect(res.jsonBody).toMatchObject({
      received: 3,
      accepted: 1,
      rejected: 1,
      duplicates: 1,
      rejections: [{ index: 1, reasons: [{ code: 'bad_money', path: 'tax' }] }],
    });
    expect(await rowsOf(ports.bronze)).toHaveLength(1);
  });

  test('a JSON array: each event lands with its text as sent (not a re-serialisation)', async () => {
    const a = JSON.stringify(validEvent(), null, 2).replace('"tax": 0.58', '"tax": 0.580');
    const b = JSON.stringify(validEvent());
    expect(a).toContain('"tax": 0.580');
    const res = await post(`[\n${a} ,\n  ${b}\n]`);
    expect(res.jsonBody).toMatchObject({ received: 2, accepted: 2, rejected: 0 });
    const raw = (await rowsOf(ports.bronze)).map((r) => r.raw_payload).sort();
    expect(raw).toEqual([a, b].sort());
  });

  test('NDJSON with a broken line → the line is quarantined', async () => {
    const res = await post(
      [JSON.stringify(validEvent()), '{"broken":', JSON.stringify(validEvent())].join('\n'),
    );
    expect(res.jsonBody).toMatchObject({
      received: 3,
      accepted: 2,
      rejected: 1,
      rejections: [{ index: 1, reasons: [{ code: 'body_not_json' }] }],
    });
  });

  test('many rejections: counts exact, the first 100 listed, the rest counted; all in quarantine under the request id', async () => {
    const lines = Array.from({ length: 250 }, (_, i) =>
      i % 50 === 0 ? JSON.stringify(validEvent()) : String(i),
    );
    const res = await post(lines.join('\n'));
    expect(res.status).toBe(202);
    const answer = res.jsonBody as { rejections: { index: number }[]; requestId: string } & Record<
      string,
      unknown
    >;
    expect(answer).toMatchObject({
      received: 250,
      accepted: 5,
      rejected: 245,
      rejectionsOmitted: 145,
      requestId: 'req-1',
    });
    expect(answer.rejections).toHaveLength(100);
    expect(answer.rejections.map((r) => r.index).slice(0, 3)).toEqual([1, 2, 3]);
    const quarantined = await rowsOf(ports.quarantine);
    expect(quarantined).toHaveLength(245);
    expect(new Set(quarantined.map((r) => r.request_id))).toEqual(new Set(['req-1']));
    // Up to 100 rejections: all listed, nothing omitted.
    const few = await post([JSON.stringify(validEvent()), 'x'].join('\n'));
    expect(few.jsonBody).not.toHaveProperty('rejectionsOmitted');
  });

  test('more events than INGEST_MAX_HTTP_EVENTS → 413, nothing lands', async () => {
    setIngestRuntime({ settings: loadSettings({ INGEST_MAX_HTTP_EVENTS: '3' }), ports });
    const res = await post(['1', '2', '3', '4'].join('\n'));
    expect(res.status).toBe(413);
    expect((res.jsonBody as { error: string }).error).toMatch(/4 events in one request, more than 3/);
    expect(await rowsOf(ports.quarantine)).toHaveLength(0);
    expect((await post(['1', '2', '3'].join('\n'))).status).toBe(202);
  });

  test('oversize → 413, unparseable → 400', async () => {
    expect((await post('x'.repeat(30_000))).status).toBe(413);
    expect((await post('{}', { 'content-length': '999999' })).status).toBe(413);
    expect((await post('hello world')).status).toBe(400);
    expect((await post('')).status).toBe(400);
  });

  test('gzip, deflate and br bodies are decompressed, within the size limit; other encodings → 415', async () => {
    const postBytes = (bytes: Uint8Array, encoding: string) =>
      ingestHttpHandler(
        new HttpRequest({
          method: 'POST',
          url: 'http://localhost/api/events',
          body: { bytes },
          headers: { 'content-encoding': encoding },
        }),
        new InvocationContext({ invocationId: 'req-z', logHandler: () => undefined }),
      );
    const events = [validEvent(), validEvent(), validEvent()].map((e) => JSON.stringify(e));
    const bodies: [string, Uint8Array][] = [
      ['gzip', gzipSync(events[0] ?? '')],
      ['deflate', deflateSync(events[1] ?? '')],
      ['identity, br', brotliCompressSync(events[2] ?? '')],
    ];
    for (const [encoding, body] of bodies) {
      const res = await postBytes(body, encoding);
      expect(res.jsonBody, encoding).toMatchObject({ received: 1, accepted: 1, rejected: 0 });
    }
    // Applied in order gzip then br: undone br first.
    const twice = brotliCompressSync(gzipSync(JSON.stringify([validEvent(), validEvent()])));
    expect((await postBytes(twice, 'gzip, br')).jsonBody).toMatchObject({ received: 2, accepted: 2 });
    const raw = (await rowsOf(ports.bronze)).map((r) => r.raw_payload);
    expect(raw).toEqual(expect.arrayContaining(events));
    // 1 MB of spaces compresses to ~1 KB: over the 20 000-byte limit once decompressed.
    const bomb = gzipSync(`${JSON.stringify(validEvent())}${' '.repeat(1 << 20)}`);
    expect(bomb.byteLength).toBeLessThan(20_000);
    expect((await postBytes(bomb, 'gzip')).status).toBe(413);
    expect((await postBytes(Buffer.from('not gzip'), 'gzip')).status).toBe(400);
    expect((await postBytes(Buffer.from('{}'), 'zstd')).status).toBe(415);
  });
});
