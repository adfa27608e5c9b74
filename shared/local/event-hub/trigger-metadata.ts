/**
 * The binding data the Event Hubs extension sends with a batch (or a single event), in the host's RPC
 * encodings, so the library's own conversion produces what a handler sees on Azure: `string[]` as
 * `collectionString` (null/empty dropped, elements JSON-parsed), `long[]` as `collectionSint64`,
 * dictionaries and `DateTime[]` as Newtonsoft JSON (a DateTime of unspecified kind has no `Z`).
 */
import type { RpcTypedData } from '../functions-core-types.js';
import { jsonData, sint64Collection, stringCollection, stringData } from '../rpc-data.js';
import type { StoredEvent } from './local-event-hub.js';

export interface PartitionContextInfo {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
}

export function batchTriggerMetadata(
  context: PartitionContextInfo,
  events: readonly StoredEvent[],
): Record<string, RpcTypedData> {
  return {
    PartitionContext: partitionContext(context),
    PartitionKeyArray: stringCollection(events.map((e) => e.partitionKey)),
    OffsetArray: stringCollection(events.map((e) => e.offset)),
    SequenceNumberArray: sint64Collection(events.map((e) => e.sequenceNumber)),
    EnqueuedTimeUtcArray: jsonData(events.map((e) => unspecifiedKind(e.enqueuedTimeUtc))),
    PropertiesArray: jsonData(events.map((e) => e.properties)),
    SystemPropertiesArray: jsonData(events.map(systemProperties)),
  };
}

export function singleTriggerMetadata(
  context: PartitionContextInfo,
  event: StoredEvent,
): Record<string, RpcTypedData> {
  return {
    PartitionContext: partitionContext(context),
    ...(event.partitionKey ? { PartitionKey: stringData(event.partitionKey) } : {}),
    Offset: stringData(event.offset),
    SequenceNumber: { int: event.sequenceNumber },
    EnqueuedTimeUtc: jsonData(unspecifiedKind(event.enqueuedTimeUtc)),
    Properties: jsonData(event.properties),
    SystemProperties: jsonData(systemProperties(event)),
  };
}

function partitionContext(context: PartitionContextInfo): RpcTypedData {
  return jsonData({
    FullyQualifiedNamespace: context.fullyQualifiedNamespace,
    EventHubName: context.eventHubName,
    ConsumerGroup: context.consumerGroup,
    PartitionId: context.partitionId,
    IsCheckpointingAfterInvocation: true,
  });
}

function systemProperties(event: StoredEvent): Record<string, unknown> {
  const enqueued = unspecifiedKind(event.enqueuedTimeUtc);
  return {
    'x-opt-sequence-number': event.sequenceNumber,
    'x-opt-offset': event.offset,
    'x-opt-enqueued-time': event.enqueuedTimeUtc,
    ...(event.partitionKey ? { 'x-opt-partition-key': event.partitionKey } : {}),
    SequenceNumber: event.sequenceNumber,
    Offset: event.offset,
    PartitionKey: event.partitionKey,
    EnqueuedTimeUtc: enqueued,
  };
}

/** Newtonsoft's rendering of a DateTime of unspecified kind: no zone suffix, trailing zeros trimmed. */
export function unspecifiedKind(iso: string): string {
  const [whole, fraction = ''] = iso.replace(/Z$/, '').split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? (whole ?? '') : `${whole ?? ''}.${trimmed}`;
}
