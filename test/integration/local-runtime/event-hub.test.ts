import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { startLocalRuntime, type LocalRuntimeOptions } from '../../../shared/local/runtime.js';
import type { Delivery, EventHubBehaviour } from '../../fixtures/apps/event-hub-app.js';
import { control, recorder } from '../../fixtures/apps/recorder.js';

// Only types from the app module: importing it here would register before the runtime loads it.
const deliveries = recorder<Delivery>('eventHubDeliveries');
const behaviour = control<EventHubBehaviour>('eventHub', { hangOn: undefined, hung: false });
const entry = new URL('../../fixtures/apps/event-hub-app.ts', import.meta.url).pathname;

describe('local runtime: Event Hub trigger', () => {
  let azurite: Azurite;
  let options: LocalRuntimeOptions;

  beforeAll(async () => {
    azurite = await startAzurite();
    options = {
      entry,
      port: 0,
      azurite: { connectionString: azurite.connectionString },
      settings: { POS_HUB: 'pos-events', PosEventHubConnection: 'Endpoint=sb://pos-ns.servicebus.windows.net/;SharedAccessKeyName=local;SharedAccessKey=x' },
      hostJson: { version: '2.0', extensions: { eventHubs: { maxEventBatchSize: 3 } } },
      eventHubPartitions: 4,
    };
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('indexes the Event Hub bindings with connection, hub, consumer group, cardinality and retry', async () => {
    const runtime = await startLocalRuntime(options);
    try {
      const pick = (name: string): object | undefined => {
        const f = runtime.functions.find((x) => x.name === name);
        return f && { trigger: f.triggerType, connection: f.connection, eventHubName: f.eventHubName, consumerGroup: f.consumerGroup, cardinality: f.cardinality, retry: f.retry };
      };
      expect(runtime.functions.map((f) => f.name)).toEqual(['alwaysFails', 'landEvents']);
      expect(pick('landEvents')).toEqual({ trigger: 'eventHubTrigger', connection: 'PosEventHubConnection', eventHubName: '%POS_HUB%', consumerGroup: 'lander', cardinality: 'many', retry: undefined });
      expect(pick('alwaysFails')).toEqual({
        trigger: 'eventHubTrigger', connection: 'PosEventHubConnection', eventHubName: 'audit', consumerGroup: '$Default', cardinality: 'many',
        retry: { strategy: 'fixedDelay', maxRetryCount: 2, delayMs: 1000 },
      });
      expect(runtime.eventHub.hubs().sort()).toEqual(['audit', 'pos-events']);
    } finally {
      await runtime.stop();
    }
  });

  it('partitions by key, batches up to maxEventBatchSize, and passes the host trigger metadata', async () => {
    deliveries.length = 0;
    const runtime = await startLocalRuntime(options);
    try {
      const sentA = await runtime.eventHub.send(
        [{ body: { id: 1 }, properties: { Source: 'till' } }, '{"id":2}', 'plain text', '42'],
        { eventHubName: 'pos-events', partitionKey: 'S0001' },
      );
      const sentB = await runtime.eventHub.send([{ body: { id: 5 } }], { eventHubName: 'pos-events', partitionKey: 'S0001' });
      expect(new Set([...sentA, ...sentB].map((e) => e.partitionId)).size).toBe(1);
      expect([...sentA, ...sentB].map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
      await runtime.eventHub.waitUntilDrained();
      const mine = deliveries.filter((d) => d.fn === 'landEvents');
      expect(mine.map((d) => d.messages)).toEqual([[{ id: 1 }, { id: 2 }, 'plain text'], [42, { id: 5 }]]);
      const meta = mine[0]?.triggerMetadata as Record<string, unknown>;
      const partitionId = sentA[0]?.partitionId;
      expect(meta.partitionContext).toEqual({
        fullyQualifiedNamespace: 'pos-ns.servicebus.windows.net', eventHubName: 'pos-events', consumerGroup: 'lander', partitionId, isCheckpointingAfterInvocation: true,
      });
      expect(meta.sequenceNumberArray).toEqual([0, 1, 2]);
      expect(meta.partitionKeyArray).toEqual(['S0001', 'S0001', 'S0001']);
      expect((meta.offsetArray as unknown[]).every((o) => typeof o === 'number')).toBe(true);
      expect((meta.enqueuedTimeUtcArray as string[])[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
      // Application property keys are camel-cased by the worker path.
      expect(meta.propertiesArray).toEqual([{ source: 'till' }, {}, {}]);
      const system = (meta.systemPropertiesArray as Record<string, unknown>[])[0];
      expect(system).toMatchObject({ 'x-opt-sequence-number': 0, 'x-opt-partition-key': 'S0001', sequenceNumber: 0, partitionKey: 'S0001' });
      expect(meta.sys).toMatchObject({ methodName: 'landEvents' });

      // Keys spread over partitions, each key stays on its partition.
      const byKey = new Map<string, string>();
      for (let i = 0; i < 40; i++) {
        const key = `S${String(i).padStart(4, '0')}`;
        const [stored] = await runtime.eventHub.send([{ body: { key } }], { eventHubName: 'pos-events', partitionKey: key });
        byKey.set(key, stored?.partitionId ?? '');
      }
      expect(new Set(byKey.values()).size).toBe(4);
      const [again] = await runtime.eventHub.send([{ body: {} }], { eventHubName: 'pos-events', partitionKey: 'S0007' });
      expect(again?.partitionId).toBe(byKey.get('S0007'));
      await runtime.eventHub.waitUntilDrained();
    } finally {
      await runtime.stop();
    }
  });

  it('retries with retryContext, then checkpoints and skips the batch', async () => {
    deliveries.length = 0;
    const runtime = await startLocalRuntime({ ...options, virtualClock: true });
    try {
      await runtime.eventHub.send(['a'], { eventHubName: 'audit', partitionId: '0' });
      for (let i = 0; i < 3; i++) {
        await waitFor(() => deliveries.filter((d) => d.fn === 'alwaysFails').length > i);
        await runtime.virtualClock?.advance(1000);
      }
      await runtime.eventHub.waitUntilDrained();
      const attempts = deliveries.filter((d) => d.fn === 'alwaysFails');
      expect(attempts.map((d) => d.retryContext?.retryCount)).toEqual([0, 1, 2]);
      expect(attempts.map((d) => d.retryContext?.maxRetryCount)).toEqual([2, 2, 2]);
      expect(attempts[1]?.retryContext?.exception?.message).toContain('downstream unavailable');
      const checkpoint = await readCheckpoint(azurite, 'pos-ns.servicebus.windows.net/audit/$default/checkpoint/0');
      expect(checkpoint.sequenceNumber).toBe(0);
    } finally {
      await runtime.stop();
    }
  });

  it('redelivers from the last checkpoint after a crash mid-batch', async () => {
    deliveries.length = 0;
    behaviour.hangOn = 'e4';
    behaviour.hung = false;
    const first = await startLocalRuntime(options);
    const events = Array.from({ length: 10 }, (_, i) => `e${i}`);
    const sent = await first.eventHub.send(events, { eventHubName: 'pos-events', partitionId: '2' });
    const base = sent[0]?.sequenceNumber ?? 0;
    await waitFor(() => behaviour.hung);
    const checkpointKey = 'pos-ns.servicebus.windows.net/pos-events/lander/checkpoint/2';
    await waitFor(async () => (await readCheckpoint(azurite, checkpointKey).catch(() => undefined))?.sequenceNumber === base + 2);
    await first.stop({ abandon: true });
    const beforeRestart = deliveries.flatMap((d) => d.messages);
    expect(beforeRestart).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);

    deliveries.length = 0;
    const second = await startLocalRuntime(options);
    try {
      await second.eventHub.waitUntilDrained();
      // Everything after the checkpoint again, the hung batch included; nothing before it.
      expect(deliveries.flatMap((d) => d.messages)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
      expect((await readCheckpoint(azurite, checkpointKey)).sequenceNumber).toBe(base + 9);
    } finally {
      await second.stop();
    }
    // A graceful restart with nothing new delivers nothing.
    deliveries.length = 0;
    const third = await startLocalRuntime(options);
    await third.eventHub.waitUntilDrained();
    await third.stop();
    expect(deliveries).toEqual([]);
  });
});

async function readCheckpoint(azurite: Azurite, key: string): Promise<{ sequenceNumber: number; offset: string }> {
  const container = new ContainerClient(azurite.connectionString, 'azure-webjobs-eventhub');
  const body = await container.getBlobClient(key).downloadToBuffer();
  return JSON.parse(body.toString('utf8')) as { sequenceNumber: number; offset: string };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
