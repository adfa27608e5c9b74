/**
 * The landing use case: decode → validate → split → Parquet → one Delta commit per table. A text body
 * goes through the single-pass scanner first (scan-event.ts), which lands the common case with the
 * row the full decode + validation would build; whatever it does not take goes through those.
 *
 * Guarantees (DESIGN.md "Ingest"):
 * - Every delivered event ends in exactly one of `bronze/pos_events` (valid) or
 *   `bronze/pos_events_quarantine` (rejected, with every reason code) — or is recognised as a replay
 *   of a position already landed. Bad payloads never throw.
 * - Exactly once per stream: each table carries its own `txn{appId: streamId, version: last sequence
 *   number of the batch}` in the commit that adds the rows; an event at or below a table's watermark
 *   is not written to that table again. Quarantine commits first, Bronze second, so a crash in between
 *   leaves the quarantine rows landed and the Bronze rows to be landed by the redelivery.
 * - Classification is deterministic per event (reference time = enqueued time when known), so a
 *   redelivered event is routed to the same table as before.
 * - Only infrastructure failures throw (storage errors, exhausted commit retries).
 */
import type { CommitOptions } from '../delta/transaction/transaction.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { appendExactlyOnce, openOrCreate } from './append-exactly-once.js';
import {
  BRONZE_PER_ROW,
  bronzeRow,
  QUARANTINE_PER_ROW,
  quarantineRow,
  scannedBronzeRow,
  stringField,
} from './landing-rows.js';
import { RowBuffer } from './row-buffer.js';
import type { BatchMetadata, EventPosition } from './batch-metadata.js';
import { BRONZE_SCHEMA, PARTITION_COLUMNS, QUARANTINE_SCHEMA, tableConfiguration } from './bronze-tables.js';
import { asciiBodiesAsText, bytesAsText, decodeBody } from './decode-body.js';
import { IngestError } from './ingest-errors.js';
import type { Rejection } from './reason-codes.js';
import { scanEvent } from './scan-event.js';
import { microsToEpochDay } from './timestamp.js';
import { DEFAULT_VALIDATION_LIMITS, validateEvent, type ValidationLimits } from './validate-event.js';

export interface IngestLimits {
  /** Largest accepted event body in bytes (Event Hubs Standard allows 1 MiB per batch, 256 KiB typical). */
  maxEventBytes: number;
  validation: ValidationLimits;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxEventBytes: 256 * 1024,
  validation: DEFAULT_VALIDATION_LIMITS,
};

export interface LandPorts {
  bronze: ObjectStore;
  quarantine: ObjectStore;
  /** Wall clock in ms (ingest time; the reference time when an event has no enqueued time). */
  now(): number;
  limits?: IngestLimits;
  commit?: CommitOptions;
  maxTxnRetries?: number;
  /**
   * false: every body takes the full decode + validation path, which the single-pass scanner must
   * match (the reference its tests compare against). Default true.
   */
  scanner?: boolean;
}

export type EventOutcome =
  | { index: number; status: 'landed'; eventId: string }
  | { index: number; status: 'quarantined'; eventId: string | null; reasons: Rejection[] }
  | { index: number; status: 'replayed' };

export interface CommitStats {
  table: 'bronze' | 'quarantine';
  version: number | undefined;
  attempts: number;
  versionRaces: number;
  txnConflicts: number;
  /** Landings that shared the commit (group commit in this process). */
  groupSize: number;
}

export interface LandResult {
  received: number;
  landed: number;
  quarantined: number;
  replayed: number;
  outcomes: EventOutcome[];
  commits: CommitStats[];
}

export async function landBatch(
  ports: LandPorts,
  events: readonly unknown[],
  metadata: BatchMetadata,
): Promise<LandResult> {
  const limits = ports.limits ?? DEFAULT_INGEST_LIMITS;
  const streamId = metadata.streamId;
  const positions = metadata.positions;
  if (streamId !== undefined && (positions === undefined || positions.length !== events.length)) {
    throw new IngestError(
      'MissingPositions',
      `stream ${streamId}: ${positions?.length ?? 0} positions for ${events.length} events`,
      { streamId },
    );
  }
  const ingestMicros = BigInt(Math.trunc(ports.now())) * 1000n;
  const [bronzeSnap, quarantineSnap] = await Promise.all([
    openOrCreate(
      ports.bronze,
      BRONZE_SCHEMA,
      PARTITION_COLUMNS,
      'bronze_pos_events',
      tableConfiguration(BRONZE_SCHEMA),
      streamId,
    ),
    openOrCreate(
      ports.quarantine,
      QUARANTINE_SCHEMA,
      PARTITION_COLUMNS,
      'bronze_pos_events_quarantine',
      tableConfiguration(QUARANTINE_SCHEMA),
      streamId,
    ),
  ]);
  const floor =
    streamId === undefined
      ? -1
      : Math.min(bronzeSnap.txnVersion(streamId), quarantineSnap.txnVersion(streamId));

  const constants = {
    source: metadata.source,
    stream_id: streamId ?? null,
    eh_partition: metadata.partitionId ?? null,
    request_id: metadata.requestId ?? null,
    ingest_time: ingestMicros,
    ingest_date: microsToEpochDay(ingestMicros),
  };
  const valid = new RowBuffer(BRONZE_SCHEMA, BRONZE_PER_ROW, constants, events.length);
  const validIndex: number[] = [];
  const invalid = new RowBuffer(QUARANTINE_SCHEMA, QUARANTINE_PER_ROW, constants);
  const invalidIndex: number[] = [];
  const outcomes: EventOutcome[] = new Array<EventOutcome>(events.length);
  const scanner = ports.scanner ?? true;
  const asciiTexts = scanner ? asciiBodiesAsText(events, limits.maxEventBytes) : undefined;
  /** The text the scanner reads for event i: text bodies as they are, UTF-8 byte bodies decoded. */
  const scanText = (body: unknown, i: number): string | undefined => {
    if (!scanner) return undefined;
    if (typeof body === 'string') return body;
    if (!(body instanceof Uint8Array)) return undefined;
    return asciiTexts ? asciiTexts[i] : bytesAsText(body, limits.maxEventBytes);
  };
  let watermark: number | undefined;

  for (let i = 0; i < events.length; i++) {
    const position: EventPosition | undefined = positions?.[i];
    const seq = position?.sequenceNumber;
    if (seq !== undefined) watermark = watermark === undefined ? seq : Math.max(watermark, seq);
    if (streamId !== undefined && seq !== undefined && seq <= floor) {
      outcomes[i] = { index: i, status: 'replayed' };
      continue;
    }
    const body = events[i];
    const reference = position?.enqueuedTimeMicros ?? ingestMicros;
    // Text and UTF-8 byte bodies: the single-pass scanner lands the common case; anything else takes
    // the full path.
    const text = scanText(body, i);
    const scanned =
      text === undefined ? undefined : scanEvent(text, limits.maxEventBytes, reference, limits.validation);
    if (scanned) {
      valid.push(seq, scannedBronzeRow(scanned, position));
      validIndex.push(i);
      outcomes[i] = { index: i, status: 'landed', eventId: scanned.eventId };
      continue;
    }
    const decoded = decodeBody(body, limits.maxEventBytes, position?.bodyBytes);
    if (!decoded.ok) {
      invalid.push(seq, quarantineRow([decoded.rejection], decoded.raw, undefined, position));
      invalidIndex.push(i);
      outcomes[i] = { index: i, status: 'quarantined', eventId: null, reasons: [decoded.rejection] };
      continue;
    }
    const result = validateEvent(decoded.value, reference, limits.validation);
    if (result.ok) {
      valid.push(seq, bronzeRow(result.event, decoded.rawText, position));
      validIndex.push(i);
      outcomes[i] = { index: i, status: 'landed', eventId: result.event.eventId };
    } else {
      invalid.push(
        seq,
        quarantineRow(
          result.rejections,
          { encoding: 'utf8', body: decoded.rawText },
          decoded.value,
          position,
        ),
      );
      invalidIndex.push(i);
      outcomes[i] = {
        index: i,
        status: 'quarantined',
        eventId: stringField(decoded.value, 'eventId'),
        reasons: result.rejections,
      };
    }
  }

  const commits: CommitStats[] = [];
  // Rows another owner of the stream landed first (ConcurrentTransaction) count as replays.
  const settle = (rows: RowBuffer, index: number[], written: ReadonlySet<number | undefined>) => {
    rows.seqs.forEach((seq, j) => {
      const i = index[j];
      if (i !== undefined && !written.has(seq)) outcomes[i] = { index: i, status: 'replayed' };
    });
  };
  const shared = {
    streamId,
    watermark,
    ...(ports.commit ? { commit: ports.commit } : {}),
    ...(ports.maxTxnRetries !== undefined ? { maxTxnRetries: ports.maxTxnRetries } : {}),
  };
  if (invalid.length > 0) {
    const out = await appendExactlyOnce({
      store: ports.quarantine,
      snapshot: quarantineSnap,
      rows: invalid,
      ...shared,
    });
    commits.push({
      table: 'quarantine',
      version: out.version,
      attempts: out.attempts,
      versionRaces: out.versionRaces,
      txnConflicts: out.txnConflicts,
      groupSize: out.groupSize,
    });
    settle(invalid, invalidIndex, out.written);
  }
  if (valid.length > 0) {
    const out = await appendExactlyOnce({
      store: ports.bronze,
      snapshot: bronzeSnap,
      rows: valid,
      ...shared,
    });
    commits.push({
      table: 'bronze',
      version: out.version,
      attempts: out.attempts,
      versionRaces: out.versionRaces,
      txnConflicts: out.txnConflicts,
      groupSize: out.groupSize,
    });
    settle(valid, validIndex, out.written);
  }
  let landed = 0;
  let quarantined = 0;
  let replayed = 0;
  for (const o of outcomes) {
    if (o.status === 'landed') landed++;
    else if (o.status === 'quarantined') quarantined++;
    else replayed++;
  }
  return { received: events.length, landed, quarantined, replayed, outcomes, commits };
}
