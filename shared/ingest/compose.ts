/**
 * Composition for ingest: builds the landing ports (lake tables, clock, limits) once from settings.
 * Function registrations and CLI commands call this instead of touching storage or config themselves.
 */
import type { Settings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import type { CommitOptions } from '../delta/transaction/transaction.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { lakeRuntime } from '../storage/lake-runtime.js';
import { BRONZE_TABLE, QUARANTINE_TABLE } from './bronze-tables.js';
import type { IngestLimits, LandPorts } from './land-batch.js';

export function ingestLimits(settings: Settings): IngestLimits {
  return {
    maxEventBytes: settings.INGEST_MAX_EVENT_BYTES,
    validation: {
      futureToleranceMicros: BigInt(settings.INGEST_FUTURE_TOLERANCE_SECONDS) * 1_000_000n,
      maxAgeMicros: BigInt(settings.INGEST_MAX_EVENT_AGE_DAYS) * 86_400_000_000n,
    },
  };
}

/**
 * Commit retry policy for landing. Many partitions append to one table, and every lost version race
 * is resolved by reading the winner (blind appends with different appIds never conflict), so a retry
 * should follow immediately: the Delta default backoff (5 ms base, doubling to 200 ms) lets dozens of
 * rivals commit during the sleep and starves unlucky writers at 32 partitions (measured: retries
 * exhausted after 50 attempts). A 1 ms base keeps the jitter but not the long sleeps.
 */
export const INGEST_COMMIT_OPTIONS: CommitOptions = { maxAttempts: 500, backoffMs: 1 };

/** Ports on the lake root `lake` (a store for LAKE_URL). */
export function landPorts(lake: ObjectStore, settings: Settings, now: () => number = Date.now): LandPorts {
  return {
    bronze: prefixed(lake, BRONZE_TABLE),
    quarantine: prefixed(lake, QUARANTINE_TABLE),
    now,
    limits: ingestLimits(settings),
    commit: INGEST_COMMIT_OPTIONS,
  };
}

export interface IngestRuntime {
  settings: Settings;
  ports: LandPorts;
}

let runtime: IngestRuntime | undefined;

/** The process-wide ingest runtime for function handlers: landing ports on the app's lake. */
export function ingestRuntime(): IngestRuntime {
  if (!runtime) {
    const { settings, lake } = lakeRuntime();
    runtime = { settings, ports: landPorts(lake, settings) };
  }
  return runtime;
}

/** Replaces the runtime (tests, the local runtime). */
export function setIngestRuntime(next: IngestRuntime | undefined): void {
  runtime = next;
}
