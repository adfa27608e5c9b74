/**
 * Where a batch of events came from. For a stream (Event Hub partition, file) `streamId` names the
 * exactly-once owner and every event has a position whose `sequenceNumber` increases within the
 * stream; that number is the `txn` watermark. HTTP deliveries have no stream position.
 */
export type IngestSource = 'eventhub' | 'http' | 'file';

export interface EventPosition {
  sequenceNumber: number;
  offset?: string | null;
  /** Microseconds since the epoch; also the reference time for the event's time-window rules. */
  enqueuedTimeMicros?: bigint | null;
  partitionKey?: string | null;
  /** The body's size when only its head was handed over (`lakehouse ingest` cuts over-long lines). */
  bodyBytes?: number;
}

export interface BatchMetadata {
  source: IngestSource;
  /** Delta `txn` appId, e.g. `<consumerGroup>-<partitionId>`; undefined = no exactly-once watermark. */
  streamId?: string;
  partitionId?: string | null;
  /** One per event, same order, required when `streamId` is set. */
  positions?: readonly EventPosition[];
  requestId?: string | null;
}
