/**
 * Event Hub triggers in the runtime: one in-process partitioned hub per hub name the triggers use
 * (names compare case-insensitively, events kept in the `local-eventhubs` container) and one listener
 * per function, checkpointing in the `CHECKPOINT_CONTAINER` like the extension. Hub names and consumer
 * groups are resolved from app settings; the namespace comes from the connection setting. Every
 * listener has started before this resolves, and a failed batch is logged before listeners hear of it.
 */
import { resolveSettingReferences, type AppSettings } from './app-settings.js';
import { CHECKPOINT_CONTAINER, CheckpointStore } from './event-hub/checkpoint-store.js';
import { EventHubListener, type BatchOutcome } from './event-hub/event-hub-listener.js';
import {
  LocalEventHub,
  type EventInput,
  type PartitionInfo,
  type SendOptions,
  type StoredEvent,
} from './event-hub/local-event-hub.js';
import type { IndexedFunction } from './function-index.js';
import type { HostSettings } from './host-json.js';
import type { RuntimeContext } from './runtime-context.js';

export interface EventHubApi {
  /** Event hub names known to the runtime (from the triggers). */
  hubs(): string[];
  send(
    events: readonly (EventInput | string)[],
    options?: SendOptions & { eventHubName?: string },
  ): Promise<StoredEvent[]>;
  partitions(eventHubName?: string): PartitionInfo[];
  onBatch(listener: (outcome: BatchOutcome) => void): void;
  /** Resolves when every listener has processed every event sent so far. */
  waitUntilDrained(options?: { timeoutMs?: number }): Promise<void>;
}

export interface RuntimeEventHubsOptions extends RuntimeContext {
  host: HostSettings;
  /** Partitions of every local event hub; default 4. */
  eventHubPartitions: number | undefined;
}

export interface RuntimeEventHubs {
  api: EventHubApi;
  listeners: EventHubListener[];
}

export async function startRuntimeEventHubs(options: RuntimeEventHubsOptions): Promise<RuntimeEventHubs> {
  const { functions, settings, host, clock, invoker, blobs, log } = options;
  const eventHubFunctions = functions.filter((fn) => fn.triggerType === 'eventHubTrigger');
  const hubs = new Map<string, LocalEventHub>();
  const hubStore = blobs('local-eventhubs');
  const checkpointContainer = blobs(CHECKPOINT_CONTAINER);
  await Promise.all([hubStore.ensure(), checkpointContainer.ensure()]);
  const checkpoints = new CheckpointStore(checkpointContainer);
  const openHub = async (name: string, namespace: string): Promise<LocalEventHub> => {
    const existing = hubs.get(name.toLowerCase());
    if (existing !== undefined) return existing;
    const hub = await LocalEventHub.open({
      fullyQualifiedNamespace: namespace,
      name,
      partitionCount: options.eventHubPartitions ?? 4,
      store: hubStore,
      clock,
    });
    hubs.set(name.toLowerCase(), hub);
    return hub;
  };
  const batchListeners: ((outcome: BatchOutcome) => void)[] = [];
  const listeners: EventHubListener[] = [];
  for (const fn of eventHubFunctions) {
    const where = `event hub function "${fn.name}"`;
    const hubName = resolveSettingReferences(fn.eventHubName ?? '', settings, where);
    const namespace = namespaceOf(fn, settings);
    const hub = await openHub(hubName, namespace);
    listeners.push(
      new EventHubListener({
        fn,
        hub,
        consumerGroup: resolveSettingReferences(fn.consumerGroup ?? '$Default', settings, where),
        checkpoints,
        invoker,
        clock,
        maxEventBatchSize: host.maxEventBatchSize,
        batchCheckpointFrequency: host.batchCheckpointFrequency,
        initialOffset: host.initialOffset,
        onBatch: (outcome) => {
          if (!outcome.succeeded)
            log(
              `[${outcome.functionName}] batch ${outcome.partitionId}:${outcome.firstSequenceNumber}-${outcome.lastSequenceNumber} failed: ${outcome.error ?? ''}`,
            );
          for (const listener of batchListeners) listener(outcome);
        },
      }),
    );
  }
  for (const listener of listeners) await listener.start();

  const hubFor = (name: string | undefined): LocalEventHub => {
    if (name === undefined) {
      const only = [...hubs.values()];
      if (only.length !== 1 || only[0] === undefined)
        throw new Error(
          `name the event hub: the runtime has ${only.length} (${[...hubs.keys()].join(', ')})`,
        );
      return only[0];
    }
    const hub = hubs.get(name.toLowerCase());
    if (hub === undefined)
      throw new Error(`no event hub "${name}" (known: ${[...hubs.keys()].join(', ') || 'none'})`);
    return hub;
  };

  const api: EventHubApi = {
    hubs: () => [...hubs.values()].map((h) => h.name),
    send: (events, o = {}) => hubFor(o.eventHubName).send(events, o),
    partitions: (name) => hubFor(name).partitions(),
    onBatch: (listener) => batchListeners.push(listener),
    waitUntilDrained: async (o = {}) => {
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      const drained = (): boolean =>
        listeners.every((l) => {
          const fn = eventHubFunctions.find((f) => f.name === l.functionName) as IndexedFunction;
          const hub = hubFor(resolveSettingReferences(fn.eventHubName ?? '', settings, fn.name));
          return hub.partitions().every((p) => l.processedUpTo(p.partitionId) > p.lastSequenceNumber);
        });
      while (!drained()) {
        if (Date.now() > deadline) throw new Error('event hub listeners did not drain in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  return { api, listeners };
}

/** The namespace from the connection setting's `Endpoint=sb://<host>/`, else a local placeholder. */
function namespaceOf(fn: IndexedFunction, settings: AppSettings): string {
  const connection =
    fn.connection === undefined
      ? undefined
      : (settings[fn.connection] ?? settings[`${fn.connection}__fullyQualifiedNamespace`]);
  const endpoint = connection === undefined ? undefined : /Endpoint=sb:\/\/([^/;]+)/i.exec(connection)?.[1];
  if (endpoint !== undefined) return endpoint;
  if (connection !== undefined && !connection.includes('=')) return connection;
  return 'localhost.servicebus.local';
}
