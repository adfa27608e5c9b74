/**
 * One table's share of a batch load, committed as one Delta version: the staged files of every
 * pending landing file plus, per file, a `txn` (appId = landing path, version = content hash).
 *
 * A file whose txn the table already records with the same content is never committed again: it is
 * reported as superseded. After a ConcurrentTransaction conflict the table is reloaded and that check
 * repeated, at most `maxConflictRounds` + 1 attempts in all; any other conflict throws at once.
 */
import type { Add } from '../delta/protocol/actions.js';
import { loadSnapshot } from '../delta/snapshot/snapshot.js';
import { maybeCheckpoint } from '../delta/table.js';
import type { CommitOptions } from '../delta/transaction/transaction.js';
import { Transaction } from '../delta/transaction/transaction.js';
import { BatchLoadError } from './batch-load-error.js';
import type { FileOutcome, TableOutcome } from './local-load-result.js';
import type { OpenTable } from './open-table.js';
import type { LandingFile } from './source-formats.js';

/** The loader's ports a commit uses. */
export interface CommitLoadsPorts {
  /** Wall clock in ms; the run's `loaded_at`. */
  now(): number;
  commit?: CommitOptions;
  /** Conflict rounds per table before giving up (default 5). */
  maxConflictRounds?: number;
}

export interface LoadPart {
  adds: Add[];
  rows: number;
}

export interface FileWork {
  file: LandingFile;
  appId: string;
  version: number;
  outcome: FileOutcome;
  target: LoadPart;
  /** Undefined when the quarantine already holds this content's rejects. */
  quarantine: LoadPart | undefined;
}

export interface Load {
  work: FileWork;
  part: LoadPart;
}

export interface CommitLoadsResult {
  table: TableOutcome;
  committed: Load[];
  /** Files a concurrent loader recorded with the same content first. */
  superseded: FileWork[];
}

/** Commits the loads' files and txns in one version, re-checking txns after each lost race. */
export async function commitLoads(
  ports: CommitLoadsPorts,
  table: OpenTable,
  loads: Load[],
): Promise<CommitLoadsResult> {
  const superseded: FileWork[] = [];
  let snapshot = table.snapshot;
  let pending = loads;
  const maxRounds = ports.maxConflictRounds ?? 5;
  for (let round = 0; round <= maxRounds; round++) {
    const stillPending: Load[] = [];
    for (const load of pending) {
      if (snapshot.txnVersion(load.work.appId) === load.work.version) superseded.push(load.work);
      else stillPending.push(load);
    }
    pending = stillPending;
    if (pending.length === 0) {
      return {
        table: {
          table: table.name,
          rowsWritten: 0,
          filesLoaded: 0,
          version: snapshot.version,
          committed: false,
        },
        committed: [],
        superseded,
      };
    }
    const adds = pending.flatMap((l) => l.part.adds);
    const rows = pending.reduce((n, l) => n + l.part.rows, 0);
    const txn = new Transaction({
      store: table.store,
      readSnapshot: snapshot,
      operation: 'WRITE',
      operationParameters: { mode: 'Append', partitionBy: JSON.stringify(snapshot.partitionColumns) },
      commitInfo: {
        operationMetrics: {
          numFiles: String(adds.length),
          numOutputRows: String(rows),
          numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
        },
        userMetadata: JSON.stringify({ batchLoad: pending.map((l) => l.work.file.path) }),
      },
    });
    txn.addFiles(adds);
    const now = ports.now();
    for (const load of pending) txn.setTransaction(load.work.appId, load.work.version, now);
    const result = await txn.commit(ports.commit ?? {});
    if (result.kind === 'committed') {
      await maybeCheckpoint(table.store, result.version, snapshot);
      return {
        table: {
          table: table.name,
          rowsWritten: rows,
          filesLoaded: pending.length,
          version: result.version,
          committed: true,
        },
        committed: pending,
        superseded,
      };
    }
    if (result.conflict.kind !== 'ConcurrentTransaction') {
      throw new BatchLoadError(
        'CommitConflict',
        `batch load into ${table.name} conflicted: ${result.conflict.detail}`,
        {
          table: table.name,
          version: result.conflict.version,
        },
      );
    }
    snapshot = await loadSnapshot(table.store);
  }
  throw new BatchLoadError(
    'CommitRetriesExhausted',
    `gave up loading into ${table.name} after ${maxRounds + 1} conflicting rounds`,
    { table: table.name },
  );
}
