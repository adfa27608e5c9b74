/**
 * Event Hub trigger → Bronze. Thin: normalises the trigger metadata and calls the landing use case.
 * Bad events never throw (they are quarantined); a thrown error means an infrastructure failure, and
 * the retry policy re-invokes the same batch (a replay is a no-op thanks to the txn watermark).
 * Connection: the app setting named `PosEventHubConnection` (a connection string, or
 * `PosEventHubConnection__fullyQualifiedNamespace` for an identity-based connection).
 */
import { app, trigger, type InvocationContext } from '@azure/functions';
import { loadSettings } from '../shared/config/config.js';
import { ingestRuntime } from '../shared/ingest/compose.js';
import { batchMetadataFromTrigger } from '../shared/ingest/event-hub-metadata.js';
import { landBatch, type LandResult } from '../shared/ingest/land-batch.js';

export const EVENTHUB_CONNECTION_SETTING = 'PosEventHubConnection';

export async function ingestEventHubHandler(
  messages: unknown,
  context: InvocationContext,
): Promise<LandResult> {
  const { settings, ports } = ingestRuntime();
  const events = Array.isArray(messages) ? messages : [messages];
  const metadata = batchMetadataFromTrigger(
    context.triggerMetadata,
    events.length,
    {
      consumerGroup: settings.POS_EVENTHUB_CONSUMER_GROUP,
      eventHubName: settings.POS_EVENTHUB_NAME,
    },
    context.invocationId,
  );
  if (metadata.streamId === undefined) {
    context.warn(
      `no partition context or sequence numbers for ${events.length} events: landing without the exactly-once watermark`,
    );
  }
  try {
    const result = await landBatch(ports, events, metadata);
    context.log(
      `partition ${metadata.partitionId ?? '?'}: ${result.received} received, ${result.landed} landed, ` +
        `${result.quarantined} quarantined, ${result.replayed} replayed`,
    );
    return result;
  } catch (err) {
    context.error(
      `ingest failed for partition ${metadata.partitionId ?? '?'} (will be retried): ${err instanceof Error ? err.message : String(err)}`,
    );
    throw err;
  }
}

const settings = loadSettings();

const triggerOptions = {
  connection: EVENTHUB_CONNECTION_SETTING,
  eventHubName: settings.POS_EVENTHUB_NAME,
  consumerGroup: settings.POS_EVENTHUB_CONSUMER_GROUP,
  cardinality: 'many' as const,
};

app.eventHub('ingest-eventhub', {
  ...triggerOptions,
  // Bodies as bytes (dataType 'binary'): Bronze keeps exactly what the register sent, not a
  // re-serialisation of the library's JSON.parse (which would turn 12.10 into 12.1); a body that is
  // not UTF-8 is quarantined as such instead of being decoded with replacement characters; and the
  // text goes through the single-pass scanner instead of the object path.
  trigger: { ...trigger.eventHub(triggerOptions), dataType: 'binary' },
  // Only infrastructure failures throw; retrying forever (with backoff) never skips a batch, and the
  // partition resumes as soon as storage is back. Replays are no-ops.
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: -1,
    minimumInterval: { seconds: 2 },
    maximumInterval: { minutes: 5 },
  },
  handler: ingestEventHubHandler,
});
