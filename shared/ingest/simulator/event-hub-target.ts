/**
 * Sends simulated POS traffic to an Event Hub with the store id as partition key, so every event of a
 * store lands on one partition, in arrival order, as a register's own traffic would. The Event Hubs
 * client belongs to the caller; this module sees only a producer-shaped port (EventHubProducerClient
 * fits it as is).
 *
 * Invariants: each event is in exactly one sent batch; each partition key has one open batch at a time,
 * sent when the next event does not fit and at the end; batches of one key are sent one after another
 * (the next only once the previous was accepted), which keeps per-store order; at most `maxInFlight`
 * sends are outstanding. The first failed send stops the run and is rethrown.
 */

export interface EventBatchPort {
  readonly count: number;
  readonly maxSizeInBytes: number;
  tryAdd(event: { body: Uint8Array }): boolean;
}

export interface EventHubProducerPort<B extends EventBatchPort> {
  getEventHubProperties(): Promise<{ name: string; partitionIds: string[] }>;
  createBatch(options: { partitionKey: string }): Promise<B>;
  sendBatch(batch: B): Promise<void>;
}

export interface EventHubSendOptions {
  /** Sends outstanding at once (default 8). */
  maxInFlight?: number;
  /** Called after each accepted batch with the events sent so far. */
  onProgress?: (sent: number, total: number) => void;
}

export interface EventHubSendSummary {
  hub: string;
  partitions: number;
  events: number;
  batches: number;
}

const DEFAULT_MAX_IN_FLIGHT = 8;

export async function sendToEventHub<B extends EventBatchPort>(
  producer: EventHubProducerPort<B>,
  events: readonly { body: string; storeId: string }[],
  options: EventHubSendOptions = {},
): Promise<EventHubSendSummary> {
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  // Fails fast (missing hub, bad credentials) before any batch is built.
  const hub = await producer.getEventHubProperties();
  const open = new Map<string, B>();
  const lastSendOfKey = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let sent = 0;
  let batches = 0;

  const dispatch = async (partitionKey: string, batch: B): Promise<void> => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure) throw failure.error;
    // Tracked sends never reject: the first error is kept and rethrown by the caller's next step.
    const send: Promise<void> = (lastSendOfKey.get(partitionKey) ?? Promise.resolve())
      .then(async () => {
        if (failure) return;
        await producer.sendBatch(batch);
        sent += batch.count;
        batches++;
        options.onProgress?.(sent, events.length);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(send));
    inFlight.add(send);
    lastSendOfKey.set(partitionKey, send);
  };

  for (const [index, event] of events.entries()) {
    const data = { body: Buffer.from(event.body, 'utf8') };
    let batch = open.get(event.storeId) ?? (await producer.createBatch({ partitionKey: event.storeId }));
    if (!batch.tryAdd(data)) {
      if (batch.count > 0) {
        await dispatch(event.storeId, batch);
        batch = await producer.createBatch({ partitionKey: event.storeId });
      }
      if (!batch.tryAdd(data))
        throw new Error(
          `event ${index} (${data.body.length} bytes) is larger than a batch (${batch.maxSizeInBytes} bytes)`,
        );
    }
    open.set(event.storeId, batch);
  }
  for (const [partitionKey, batch] of open) await dispatch(partitionKey, batch);
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { hub: hub.name, partitions: hub.partitionIds.length, events: sent, batches };
}
