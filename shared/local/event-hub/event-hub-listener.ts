/**
 * Drives one Event Hub–triggered function over every partition of a local hub, as the extension's
 * partition processor does.
 *
 * Invariants:
 * - Per partition, batches are processed strictly in order, one at a time, up to maxEventBatchSize.
 * - The checkpoint (last event of the batch) is written after the invocation returns, success or
 *   failure ("no poison events"), every `batchCheckpointFrequency` batches; with a retry policy only
 *   after the retries ended. While retrying, the partition is paused.
 * - Start resumes after the stored checkpoint (none → initial offset), so whatever was not
 *   checkpointed — a crash mid-batch, an abandoned retry, a stop — is delivered again: at least once.
 * - Graceful stop lets an in-flight invocation finish and checkpoint it; abandon (a simulated crash)
 *   writes nothing more, whatever the handler still does.
 */
import type { Clock } from '../clock.js';
import type { IndexedFunction, RetryPolicy } from '../function-index.js';
import type { Invoker } from '../invoker.js';
import { bytesCollection, bytesData, stringCollection, stringData } from '../rpc-data.js';
import type { CheckpointAddress, CheckpointStore } from './checkpoint-store.js';
import { eventBytes, type LocalEventHub, type StoredEvent } from './local-event-hub.js';
import { batchTriggerMetadata, singleTriggerMetadata } from './trigger-metadata.js';

export interface EventHubListenerOptions {
  fn: IndexedFunction;
  hub: LocalEventHub;
  consumerGroup: string;
  checkpoints: CheckpointStore;
  invoker: Invoker;
  clock: Clock;
  maxEventBatchSize: number;
  batchCheckpointFrequency: number;
  initialOffset: 'fromStart' | 'fromEnd';
  onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  functionName: string;
  partitionId: string;
  firstSequenceNumber: number;
  lastSequenceNumber: number;
  count: number;
  /** Invocations made for this batch (1 + retries). */
  attempts: number;
  succeeded: boolean;
  checkpointed: boolean;
  error?: string;
}

export class EventHubListener {
  readonly #options: EventHubListenerOptions;
  readonly #controller = new AbortController();
  #abandoned = false;
  #loops: Promise<void>[] = [];
  readonly #processed = new Map<string, number>();

  constructor(options: EventHubListenerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const starts = await Promise.all(
      this.#options.hub.partitionIds.map(async (id) => [id, await this.#startPosition(id)] as const),
    );
    this.#loops = starts.map(([id, position]) => this.#run(id, position));
  }

  /** Sequence number of the next event to process, per partition (everything before is done). */
  processedUpTo(partitionId: string): number {
    return this.#processed.get(partitionId) ?? 0;
  }

  get functionName(): string {
    return this.#options.fn.name;
  }

  /** Graceful: in-flight batches finish and checkpoint. `abandon`: stop now, checkpoint nothing more. */
  async stop(options: { abandon?: boolean } = {}): Promise<void> {
    if (options.abandon === true) this.#abandoned = true;
    this.#controller.abort();
    if (!this.#abandoned) await Promise.all(this.#loops);
  }

  #address(partitionId: string): CheckpointAddress {
    const { hub, consumerGroup } = this.#options;
    return {
      fullyQualifiedNamespace: hub.fullyQualifiedNamespace,
      eventHubName: hub.name,
      consumerGroup,
      partitionId,
    };
  }

  async #startPosition(partitionId: string): Promise<number> {
    const checkpoint = await this.#options.checkpoints.read(this.#address(partitionId));
    if (checkpoint !== undefined) return checkpoint.sequenceNumber + 1;
    if (this.#options.initialOffset === 'fromEnd') {
      const info = this.#options.hub.partitions().find((p) => p.partitionId === partitionId);
      return (info?.lastSequenceNumber ?? -1) + 1;
    }
    return 0;
  }

  async #run(partitionId: string, start: number): Promise<void> {
    const { hub, maxEventBatchSize, fn } = this.#options;
    const signal = this.#controller.signal;
    let position = start;
    this.#processed.set(partitionId, position);
    let sinceCheckpoint = 0;
    const batchSize = fn.cardinality === 'many' ? maxEventBatchSize : 1;
    while (!signal.aborted) {
      const events = hub.read(partitionId, position, batchSize);
      if (events.length === 0) {
        await hub.waitFor(partitionId, position, signal);
        continue;
      }
      const outcome = await this.#deliver(partitionId, events);
      if (outcome === 'abandoned' || this.#abandoned) return;
      sinceCheckpoint++;
      const last = events[events.length - 1] as StoredEvent;
      let checkpointed = false;
      if (sinceCheckpoint >= this.#options.batchCheckpointFrequency) {
        await this.#options.checkpoints.write(this.#address(partitionId), {
          sequenceNumber: last.sequenceNumber,
          offset: last.offset,
          updated: new Date(this.#options.clock.now()).toISOString(),
        });
        sinceCheckpoint = 0;
        checkpointed = true;
      }
      this.#options.onBatch?.({
        functionName: fn.name,
        partitionId,
        firstSequenceNumber: (events[0] as StoredEvent).sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        count: events.length,
        attempts: outcome.attempts,
        succeeded: outcome.error === undefined,
        checkpointed,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      });
      position = last.sequenceNumber + 1;
      this.#processed.set(partitionId, position);
    }
  }

  /** Invokes with the retry policy; 'abandoned' when a stop interrupted the retries. */
  async #deliver(
    partitionId: string,
    events: StoredEvent[],
  ): Promise<{ attempts: number; error?: string } | 'abandoned'> {
    const { fn, invoker, hub, consumerGroup, clock } = this.#options;
    const context = {
      fullyQualifiedNamespace: hub.fullyQualifiedNamespace,
      eventHubName: hub.name,
      consumerGroup,
      partitionId,
    };
    const policy = fn.retry;
    let retryCount = 0;
    let lastError: unknown;
    // dataType 'binary': the host hands over each body's bytes; otherwise text (JSON-parsed by the library).
    const binary = fn.dataType === 'binary';
    for (;;) {
      const firstEvent = events[0] as StoredEvent;
      const firing =
        fn.cardinality === 'many'
          ? {
              trigger: binary
                ? bytesCollection(events.map(eventBytes))
                : stringCollection(events.map((e) => e.body)),
              triggerMetadata: batchTriggerMetadata(context, events),
            }
          : {
              trigger: binary ? bytesData(eventBytes(firstEvent)) : stringData(firstEvent.body),
              triggerMetadata: singleTriggerMetadata(context, firstEvent),
            };
      try {
        await invoker.invoke(fn, {
          ...firing,
          ...(policy === undefined
            ? {}
            : {
                retryContext: {
                  retryCount,
                  maxRetryCount: policy.maxRetryCount,
                  ...(lastError === undefined ? {} : { exception: toRpcException(lastError) }),
                },
              }),
        });
        return { attempts: retryCount + 1 };
      } catch (error) {
        lastError = error;
        if (this.#abandoned) return 'abandoned';
        const canRetry =
          policy !== undefined && (policy.maxRetryCount === -1 || retryCount < policy.maxRetryCount);
        if (!canRetry) return { attempts: retryCount + 1, error: errorText(error) };
        retryCount++;
        await clock.sleepUntil(clock.now() + retryDelay(policy, retryCount), this.#controller.signal);
        if (this.#controller.signal.aborted) return 'abandoned';
      }
    }
  }
}

/** Delay before retry number `retryCount` (1-based), as the host's fixed/exponential strategies. */
export function retryDelay(policy: RetryPolicy, retryCount: number): number {
  if (policy.strategy === 'fixedDelay') return policy.delayMs ?? 0;
  const min = policy.minimumIntervalMs ?? 0;
  const max = policy.maximumIntervalMs ?? Number.MAX_SAFE_INTEGER;
  return Math.min(max, min * 2 ** (retryCount - 1));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toRpcException(error: unknown): { message: string; stackTrace: string; source: string } {
  return {
    message: errorText(error),
    stackTrace: error instanceof Error ? (error.stack ?? '') : '',
    source: error instanceof Error ? error.name : 'Error',
  };
}
