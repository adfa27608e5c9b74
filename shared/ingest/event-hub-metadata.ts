/**
 * Batch metadata from an Event Hub trigger (`cardinality: 'many'`) as the handler sees it
 * (notes/functions-and-durable.md §2.1): keys camelCased, offsets possibly numbers, sequence numbers
 * possibly `{low, high}` Long objects, enqueued times possibly without a zone, and `partitionKeyArray`
 * possibly shorter than the batch (null keys dropped). Per-event values come from
 * `systemPropertiesArray[i]` first, then the parallel arrays.
 */
import type { BatchMetadata, EventPosition } from './batch-metadata.js';
import { parseInstantMicros } from './timestamp.js';

export interface PartitionContext {
  consumerGroup?: string;
  partitionId?: string;
  eventHubName?: string;
  fullyQualifiedNamespace?: string;
}

/** `<consumerGroup>-<partitionId>`, the exactly-once owner of one partition's stream. */
export function eventHubStreamId(consumerGroup: string, partitionId: string, eventHubName?: string): string {
  return `eh-${eventHubName ? `${eventHubName}-` : ''}${consumerGroup}-${partitionId}`;
}

export function batchMetadataFromTrigger(
  triggerMetadata: Record<string, unknown> | undefined,
  count: number,
  defaults: { consumerGroup: string; eventHubName?: string },
  requestId?: string,
): BatchMetadata {
  const meta = triggerMetadata ?? {};
  const context = (isRecord(meta.partitionContext) ? meta.partitionContext : {}) as PartitionContext;
  const partitionId = typeof context.partitionId === 'string' ? context.partitionId : undefined;
  const consumerGroup =
    typeof context.consumerGroup === 'string' && context.consumerGroup !== ''
      ? context.consumerGroup
      : defaults.consumerGroup;
  const eventHubName =
    typeof context.eventHubName === 'string' && context.eventHubName !== ''
      ? context.eventHubName
      : defaults.eventHubName;
  const system = arrayOf(meta.systemPropertiesArray);
  const sequences = arrayOf(meta.sequenceNumberArray);
  const offsets = arrayOf(meta.offsetArray);
  const enqueued = arrayOf(meta.enqueuedTimeUtcArray);
  const keys = arrayOf(meta.partitionKeyArray);
  const positions: EventPosition[] = [];
  for (let i = 0; i < count; i++) {
    const entry = system[i];
    const sys: Record<string, unknown> = isRecord(entry) ? entry : {};
    const seq = toSequence(sys.sequenceNumber ?? sys['x-opt-sequence-number'] ?? sequences[i]);
    if (seq === undefined) break;
    const offset = sys.offset ?? sys['x-opt-offset'] ?? offsets[i];
    const time = toMicros(sys.enqueuedTimeUtc ?? sys['x-opt-enqueued-time'] ?? enqueued[i]);
    const key =
      'partitionKey' in sys || 'x-opt-partition-key' in sys
        ? (sys.partitionKey ?? sys['x-opt-partition-key'])
        : keys.length === count
          ? keys[i]
          : undefined;
    positions.push({
      sequenceNumber: seq,
      offset:
        typeof offset === 'string' || typeof offset === 'number' || typeof offset === 'bigint'
          ? String(offset)
          : null,
      enqueuedTimeMicros: time ?? null,
      partitionKey: typeof key === 'string' ? key : null,
    });
  }
  const complete = partitionId !== undefined && positions.length === count;
  return {
    source: 'eventhub',
    ...(complete
      ? { streamId: eventHubStreamId(consumerGroup, partitionId, eventHubName), positions }
      : positions.length === count
        ? { positions }
        : {}),
    partitionId: partitionId ?? null,
    requestId: requestId ?? null,
  };
}

/** Numbers, numeric strings, bigints and `{low, high}` Long objects (worker 3.16.0, issue #844). */
export function toSequence(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint')
    return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return toSequence(Number(value));
  if (isRecord(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    return toSequence((BigInt(value.high) << 32n) | BigInt(value.low >>> 0));
  }
  return undefined;
}

/** ISO text with or without a zone (zone-less = UTC, as the host builds it), Date, or epoch ms. */
export function toMicros(value: unknown): bigint | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value)) * 1000n;
  if (typeof value !== 'string') return undefined;
  const zoned = /(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  return parseInstantMicros(zoned);
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
