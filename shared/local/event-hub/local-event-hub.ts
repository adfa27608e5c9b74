/**
 * An in-process event hub: N partitions, each an append-only log with per-partition sequence numbers
 * (from 0) and offsets (the byte position of the event in the partition, as opaque text), enqueued
 * times from the runtime clock. A partition key picks the partition by hash (stable per key); no key
 * means round-robin, as the service does.
 *
 * Invariant: an event is acknowledged to the sender only after its segment object is stored, so a
 * new runtime on the same storage (after a crash or restart) sees every acknowledged event and can
 * redeliver from its checkpoints. Each `send` writes one segment object per partition it touches.
 */
import { isUtf8 } from 'node:buffer';
import type { ObjectStore } from '../../delta/storage/object-store.js';
import type { Clock } from '../clock.js';
import { partitionForKey } from './partition-key-hash.js';

export interface EventInput {
  /** A string is sent as its UTF-8 bytes; bytes as they are; anything else as JSON text. */
  body: unknown;
  /** Application properties. */
  properties?: Record<string, unknown>;
}

export interface StoredEvent {
  partitionId: string;
  sequenceNumber: number;
  /** Byte position in the partition log, as text (Event Hubs offsets are opaque strings). */
  offset: string;
  enqueuedTimeUtc: string;
  partitionKey: string | null;
  /** The body as text (what a string-typed trigger receives: UTF-8 decoded, U+FFFD for bad bytes). */
  body: string;
  /** The exact bytes, base64, when they are not valid UTF-8 (otherwise they are `body`'s UTF-8). */
  bodyBase64?: string;
  properties: Record<string, unknown>;
}

/** The bytes that were sent (what a binary trigger receives). */
export function eventBytes(event: StoredEvent): Buffer {
  return event.bodyBase64 === undefined
    ? Buffer.from(event.body, 'utf8')
    : Buffer.from(event.bodyBase64, 'base64');
}

/** `eventBytes(event).byteLength`, without building the bytes (offsets advance by it). */
function eventByteLength(event: StoredEvent): number {
  return event.bodyBase64 === undefined
    ? Buffer.byteLength(event.body, 'utf8')
    : Buffer.byteLength(event.bodyBase64, 'base64');
}

export interface SendOptions {
  partitionKey?: string;
  partitionId?: string;
}

export interface PartitionInfo {
  partitionId: string;
  /** -1 when empty. */
  lastSequenceNumber: number;
  lastOffset: string | null;
  count: number;
}

export interface LocalEventHubOptions {
  /** `<namespace>.servicebus.windows.net`-style name used in checkpoints and partition contexts. */
  fullyQualifiedNamespace: string;
  name: string;
  partitionCount: number;
  store: ObjectStore;
  clock: Clock;
}

export class LocalEventHub {
  readonly name: string;
  readonly fullyQualifiedNamespace: string;
  readonly partitionCount: number;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #logs: StoredEvent[][];
  readonly #bytes: number[];
  readonly #waiters: Set<() => void>[];
  #roundRobin = 0;
  #sending: Promise<unknown> = Promise.resolve();

  private constructor(options: LocalEventHubOptions) {
    this.name = options.name;
    this.fullyQualifiedNamespace = options.fullyQualifiedNamespace;
    this.partitionCount = options.partitionCount;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logs = Array.from({ length: options.partitionCount }, () => []);
    this.#bytes = Array.from({ length: options.partitionCount }, () => 0);
    this.#waiters = Array.from({ length: options.partitionCount }, () => new Set());
  }

  /** Opens the hub, loading every stored segment. */
  static async open(options: LocalEventHubOptions): Promise<LocalEventHub> {
    if (!Number.isInteger(options.partitionCount) || options.partitionCount < 1) {
      throw new RangeError(`partitionCount must be a positive integer, got ${options.partitionCount}`);
    }
    const hub = new LocalEventHub(options);
    await hub.#load();
    return hub;
  }

  get partitionIds(): string[] {
    return this.#logs.map((_, i) => String(i));
  }

  partitions(): PartitionInfo[] {
    return this.#logs.map((log, i) => {
      const last = log[log.length - 1];
      return {
        partitionId: String(i),
        lastSequenceNumber: last?.sequenceNumber ?? -1,
        lastOffset: last?.offset ?? null,
        count: log.length,
      };
    });
  }

  /** The partition a key maps to. */
  partitionFor(partitionKey: string): string {
    return String(partitionForKey(partitionKey, this.partitionCount));
  }

  /** Appends events (all to one partition, like one EventDataBatch) and returns them as stored. */
  send(events: readonly (EventInput | string)[], options: SendOptions = {}): Promise<StoredEvent[]> {
    const result = this.#sending.then(() => this.#append(events, options));
    this.#sending = result.catch(() => undefined);
    return result;
  }

  /** Up to `max` events from `fromSequence` on. */
  read(partitionId: string, fromSequence: number, max: number): StoredEvent[] {
    const log = this.#log(partitionId);
    return log.slice(Math.max(0, fromSequence), Math.max(0, fromSequence) + max);
  }

  /** Resolves once the partition holds an event at `sequenceNumber` (or the signal aborts). */
  waitFor(partitionId: string, sequenceNumber: number, signal: AbortSignal): Promise<void> {
    const index = Number(partitionId);
    return new Promise((resolve) => {
      if (signal.aborted || this.#log(partitionId).length > sequenceNumber) return resolve();
      const waiters = this.#waiters[index] as Set<() => void>;
      const wake = (): void => {
        if (signal.aborted || this.#log(partitionId).length > sequenceNumber) {
          waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        }
      };
      waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async #append(events: readonly (EventInput | string)[], options: SendOptions): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const index = this.#pickPartition(options);
    const log = this.#logs[index] as StoredEvent[];
    const enqueued = new Date(this.#clock.now()).toISOString();
    let bytes = this.#bytes[index] ?? 0;
    const stored = events.map((input, i): StoredEvent => {
      const event = typeof input === 'string' ? { body: input } : input;
      const body = encodeBody(event.body);
      const record: StoredEvent = {
        partitionId: String(index),
        sequenceNumber: log.length + i,
        offset: String(bytes),
        enqueuedTimeUtc: enqueued,
        partitionKey: options.partitionKey ?? null,
        ...body,
        properties: event.properties ?? {},
      };
      bytes += eventByteLength(record) + 64;
      return record;
    });
    const first = stored[0] as StoredEvent;
    const key = `${this.#prefix(index)}${String(first.sequenceNumber).padStart(20, '0')}.json`;
    await this.#store.put(key, Buffer.from(JSON.stringify(stored)));
    log.push(...stored);
    this.#bytes[index] = bytes;
    for (const wake of [...(this.#waiters[index] ?? [])]) wake();
    return stored;
  }

  #pickPartition(options: SendOptions): number {
    if (options.partitionId !== undefined) {
      const index = Number(options.partitionId);
      if (!Number.isInteger(index) || index < 0 || index >= this.partitionCount) {
        throw new RangeError(`no partition "${options.partitionId}" in event hub ${this.name}`);
      }
      return index;
    }
    if (options.partitionKey !== undefined && options.partitionKey !== '')
      return partitionForKey(options.partitionKey, this.partitionCount);
    return this.#roundRobin++ % this.partitionCount;
  }

  #log(partitionId: string): StoredEvent[] {
    const log = this.#logs[Number(partitionId)];
    if (log === undefined) throw new RangeError(`no partition "${partitionId}" in event hub ${this.name}`);
    return log;
  }

  #prefix(index: number): string {
    return `${this.fullyQualifiedNamespace}/${this.name}/${index}/`;
  }

  async #load(): Promise<void> {
    for (let index = 0; index < this.partitionCount; index++) {
      const log = this.#logs[index] as StoredEvent[];
      for (const meta of await this.#store.list(this.#prefix(index))) {
        const data = await this.#store.get(meta.key);
        if (data === undefined) continue;
        const segment = JSON.parse(Buffer.from(data).toString('utf8')) as StoredEvent[];
        for (const event of segment) {
          // A segment is written before the send is acknowledged; a retried send after an ambiguous
          // failure may rewrite the same segment, never a gap.
          if (event.sequenceNumber === log.length) log.push(event);
        }
      }
      const last = log[log.length - 1];
      this.#bytes[index] = last === undefined ? 0 : Number(last.offset) + eventByteLength(last) + 64;
    }
  }
}

function encodeBody(body: unknown): { body: string; bodyBase64?: string } {
  if (typeof body === 'string') return { body };
  if (body instanceof Uint8Array) {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const text = bytes.toString('utf8');
    // Kept exactly: Event Hubs carries bytes, and the landing quarantines bad UTF-8 as body_not_utf8.
    return isUtf8(bytes) ? { body: text } : { body: text, bodyBase64: bytes.toString('base64') };
  }
  return { body: JSON.stringify(body ?? null) };
}
