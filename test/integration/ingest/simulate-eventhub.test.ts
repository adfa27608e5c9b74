/**
 * `lakehouse simulate --target eventhub` as a user runs it: the real CLI and the real
 * EventHubProducerClient against a stand-in Event Hubs namespace speaking AMQP 1.0
 * (test/support/event-hubs-standin.ts), which checks the SAS tokens and records what it received.
 */
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { sendToEventHub } from '../../../shared/ingest/simulator/event-hub-target.js';
import { startEventHubsStandIn, type EventHubsStandIn } from '../../support/event-hubs-standin.js';
import { runCli } from '../../support/run-cli.js';

const HUB = 'pos-events-sim';
let standIn: EventHubsStandIn;

beforeAll(async () => {
  // A 64 KiB message size (Basic tier is 256 KiB) makes every store fill several batches.
  standIn = await startEventHubsStandIn({ hub: HUB, partitions: 4, maxMessageSize: 65_536 });
});
afterAll(() => standIn.close());

function groupBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => string) {
  const groups = new Map<string, string[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}

describe('lakehouse simulate --target eventhub', () => {
  test('every simulated body arrives exactly once, per store on one partition and in order', async () => {
    const r = await runCli([
      'simulate',
      '--target',
      'eventhub',
      '--eventhub-connection',
      standIn.connectionString,
      '--events',
      '2000',
      '--seed',
      '7',
      '--stores',
      '6',
    ]);
    expect(r.stderr).toContain('sending [');
    expect(r.code, r.stderr).toBe(0);

    const sim = simulatePosTraffic({ seed: 7, events: 2000, stores: 6 });
    const received = standIn.events;
    // The same bodies, each as often as the simulator produced it (duplicates are resent on purpose).
    expect(received.map((e) => e.body.toString('utf8')).sort()).toEqual(sim.events.map((e) => e.body).sort());
    // Keyed by store, in the simulator's arrival order.
    expect(
      groupBy(
        received,
        (e) => e.partitionKey ?? '(none)',
        (e) => e.body.toString('utf8'),
      ),
    ).toEqual(
      groupBy(
        sim.events,
        (e) => e.storeId,
        (e) => e.body,
      ),
    );
    const partitionsOfStore = groupBy(
      received,
      (e) => e.partitionKey ?? '(none)',
      (e) => e.partitionId,
    );
    for (const [store, partitions] of partitionsOfStore)
      expect([store, new Set(partitions).size]).toEqual([store, 1]);
    expect(new Set(received.map((e) => e.partitionId)).size).toBeGreaterThan(1);

    // More batches than stores: full batches were sent before the end.
    expect(standIn.batches).toBeGreaterThan(6);
    expect(new Set(received.map((e) => e.delivery)).size).toBe(standIn.batches);
    expect(r.stdout).toContain(
      `sent ${sim.events.length} events in ${standIn.batches} batches to ${HUB} (4 partitions)`,
    );
    expect(standIn.requests).toContain('put-token servicebus.windows.net:sastoken 202');
    expect(standIn.requests).toContain('READ com.microsoft:eventhub 200');
  });

  test('usage errors exit 2 with one clear line, before anything is sent', async () => {
    const before = standIn.events.length;
    const missing = await runCli(['simulate', '--target', 'eventhub', '--events', '10', '--quiet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs one of --eventhub-connection CS, --eventhub-namespace NS');

    const mismatch = await runCli([
      'simulate',
      '--target',
      'eventhub',
      '--eventhub-connection',
      standIn.connectionString,
      '--eventhub-name',
      'other-hub',
      '--events',
      '10',
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`--eventhub-name other-hub differs from the connection string's hub`);
    expect(mismatch.stderr).not.toContain('SharedAccessKey');

    const wrongTarget = await runCli(['simulate', '--target', 'stdout', '--eventhub-name', HUB]);
    expect(wrongTarget.code).toBe(2);
    expect(wrongTarget.stderr).toContain('--eventhub-name needs --target eventhub');
    expect(standIn.events.length).toBe(before);
  });

  test('a hub the namespace does not have fails with exit 1 and the service message', async () => {
    const before = standIn.events.length;
    const r = await runCli([
      'simulate',
      '--target',
      'eventhub',
      '--eventhub-connection',
      standIn.connectionString.replace(`EntityPath=${HUB}`, 'EntityPath=no-such-hub'),
      '--events',
      '10',
      '--quiet',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "lakehouse: Event Hub localhost/no-such-hub: The messaging entity 'no-such-hub' could not be found.",
    );
    expect(standIn.events.length).toBe(before);
  });

  test('the stand-in refuses a token signed with another key', async () => {
    const wrongKey = standIn.connectionString.replace('SharedAccessKey=v', 'SharedAccessKey=x');
    const client = new EventHubProducerClient(wrongKey, {
      retryOptions: { maxRetries: 0, timeoutInMs: 10_000 },
    });
    try {
      await expect(client.getEventHubProperties()).rejects.toMatchObject({ code: 'UnauthorizedError' });
    } finally {
      await client.close();
    }
  });
});

describe('sendToEventHub', () => {
  /** A producer whose batches hold `capacity` events and whose sends take a few milliseconds. */
  function countingProducer(capacity: number, fail?: Error) {
    const seen = { inFlight: 0, most: 0, sameKeyOverlaps: 0, sent: [] as string[][] };
    const busyKeys = new Set<string>();
    class Batch {
      readonly maxSizeInBytes = capacity;
      readonly bodies: string[] = [];
      constructor(readonly partitionKey: string) {}
      get count() {
        return this.bodies.length;
      }
      tryAdd(event: { body: Uint8Array }) {
        if (this.bodies.length === capacity) return false;
        this.bodies.push(Buffer.from(event.body).toString('utf8'));
        return true;
      }
    }
    const producer = {
      getEventHubProperties: () => Promise.resolve({ name: 'hub', partitionIds: ['0', '1'] }),
      createBatch: (o: { partitionKey: string }) => Promise.resolve(new Batch(o.partitionKey)),
      sendBatch: async (batch: Batch) => {
        if (busyKeys.has(batch.partitionKey)) seen.sameKeyOverlaps++;
        busyKeys.add(batch.partitionKey);
        seen.most = Math.max(seen.most, ++seen.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.inFlight--;
        busyKeys.delete(batch.partitionKey);
        if (fail) throw fail;
        seen.sent.push(batch.bodies);
      },
    };
    return { producer, seen };
  }
  const events = Array.from({ length: 60 }, (_, i) => ({ body: `e${i}`, storeId: `s${i % 10}` }));

  test('bounded sends in flight, one at a time per key, every event once', async () => {
    const { producer, seen } = countingProducer(4);
    const summary = await sendToEventHub(producer, events, { maxInFlight: 3 });
    expect(summary).toEqual({ hub: 'hub', partitions: 2, events: 60, batches: 20 });
    expect(seen.most).toBe(3);
    expect(seen.sameKeyOverlaps).toBe(0);
    expect(seen.sent.flat().sort()).toEqual(events.map((e) => e.body).sort());

    // One busy store: its batches still go one after another, in order.
    const one = countingProducer(2);
    const store = events.map((e) => ({ ...e, storeId: 's' }));
    await sendToEventHub(one.producer, store, { maxInFlight: 3 });
    expect(one.seen.sameKeyOverlaps).toBe(0);
    expect(one.seen.sent.flat()).toEqual(store.map((e) => e.body));
  });

  test('a failed send is rethrown and stops the run', async () => {
    const { producer, seen } = countingProducer(4, new Error('ServerBusy'));
    await expect(sendToEventHub(producer, events, { maxInFlight: 2 })).rejects.toThrow('ServerBusy');
    expect(seen.sent).toEqual([]);
  });

  test('an event larger than an empty batch is an error, not an endless loop', async () => {
    const { producer } = countingProducer(0);
    await expect(sendToEventHub(producer, events)).rejects.toThrow(/event 0 \(2 bytes\) is larger than a/);
  });
});
