/**
 * A transaction: actions staged against a read snapshot, committed by one create-only write of
 * `_delta_log/<version>.json`.
 *
 * Invariants: a version is visible iff its commit file was created by exactly one `putIfAbsent`; a
 * commit is never overwritten; `commitInfo` is the first line and carries a fresh `txnId`, which is how
 * an ambiguous outcome (our own retried PUT reported as "exists") is recognised as success. When the
 * version is taken, every winning commit is checked (conflict-checker.ts) before retrying one version
 * later; the number of attempts is bounded and the backoff jittered so concurrent writers do not starve.
 */
import { randomUUID } from 'node:crypto';
import type { Action, Add, CommitInfo, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js';
import { parseCommit, serializeCommit } from '../protocol/actions.js';
import { checkWriteSupport } from '../protocol/features.js';
import { commitKey } from '../protocol/log-path.js';
import { canonicalPathKey } from '../protocol/paths.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ObjectStore } from '../storage/object-store.js';
import { DeltaError } from '../errors.js';
import type { Conflict, IsolationLevel, TransactionFootprint } from './conflict-checker.js';
import { checkWinningCommit } from './conflict-checker.js';

export const ENGINE_INFO = 'pos-lakehouse/0.1.0';

export type CommitResult =
  | { kind: 'committed'; version: number; attempts: number; conflictsResolved: number }
  | { kind: 'conflict'; conflict: Conflict; attempts: number };

export interface CommitOptions {
  /** Attempts at successive versions before giving up (default 50). */
  maxAttempts?: number;
  /** Base backoff between attempts in ms (default 5, doubled per attempt up to 200, with jitter). */
  backoffMs?: number;
  /** Observes each lost race (for metrics). */
  onRetry?: (info: { version: number; attempt: number }) => void;
}

export interface TransactionInit {
  store: ObjectStore;
  /** Snapshot the transaction read; undefined only when creating a table. */
  readSnapshot: Snapshot | undefined;
  operation: string;
  operationParameters?: Record<string, unknown>;
  isolation?: IsolationLevel;
  /** What the transaction read; default 'none' (blind append). */
  readFiles?: ReadonlySet<string> | 'all' | 'none';
  readPartitions?: (partitionValues: Record<string, string | null>) => boolean;
  /** Extra commitInfo fields (operationMetrics, userMetadata...). */
  commitInfo?: Record<string, unknown>;
}

export class Transaction {
  private readonly adds: Add[] = [];
  private readonly removes: Remove[] = [];
  private readonly txns: Txn[] = [];
  private metadata: Metadata | undefined;
  private protocol: Protocol | undefined;
  readonly txnId = randomUUID();

  constructor(private readonly init: TransactionInit) {
    if (init.readSnapshot) checkWriteSupport(init.readSnapshot.protocol, init.store.description);
  }

  addFiles(adds: readonly Add[]): this {
    this.adds.push(...adds);
    return this;
  }

  removeFiles(removes: readonly Remove[]): this {
    this.removes.push(...removes);
    return this;
  }

  setTransaction(appId: string, version: number, lastUpdated = Date.now()): this {
    if (this.txns.some((t) => t.appId === appId)) {
      throw new DeltaError('InvalidArgument', `txn for appId ${appId} set twice in one commit`);
    }
    this.txns.push({ appId, version, lastUpdated });
    return this;
  }

  updateMetadata(metadata: Metadata): this {
    this.metadata = metadata;
    return this;
  }

  updateProtocol(protocol: Protocol): this {
    this.protocol = protocol;
    return this;
  }

  get readVersion(): number {
    return this.init.readSnapshot?.version ?? -1;
  }

  /** The actions as they will be written (commitInfo first). */
  actions(): Action[] {
    const isBlindAppend =
      this.removes.length === 0 &&
      this.metadata === undefined &&
      this.protocol === undefined &&
      (this.init.readFiles ?? 'none') === 'none' &&
      this.adds.every((a) => a.dataChange);
    const commitInfo: CommitInfo = {
      timestamp: Date.now(),
      operation: this.init.operation,
      operationParameters: this.init.operationParameters ?? {},
      ...(this.readVersion >= 0 ? { readVersion: this.readVersion } : {}),
      isolationLevel: this.isolation(),
      isBlindAppend,
      ...(this.init.commitInfo ?? {}),
      engineInfo: ENGINE_INFO,
      txnId: this.txnId,
    };
    const actions: Action[] = [{ commitInfo }];
    if (this.protocol) actions.push({ protocol: this.protocol });
    if (this.metadata) actions.push({ metaData: this.metadata });
    for (const txn of this.txns) actions.push({ txn });
    for (const add of this.adds) actions.push({ add });
    for (const remove of this.removes) actions.push({ remove });
    return actions;
  }

  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    this.checkInvariants();
    const { store } = this.init;
    const bytes = new TextEncoder().encode(serializeCommit(this.actions()));
    const footprint = this.footprint();
    const maxAttempts = options.maxAttempts ?? 50;
    let version = this.readVersion + 1;
    let conflictsResolved = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const outcome = await store.putIfAbsent(commitKey(version), bytes);
      if (outcome.kind === 'created')
        return { kind: 'committed', version, attempts: attempt, conflictsResolved };
      // Version taken: walk every winner up to the current end of the log.
      for (;;) {
        const winnerBytes = await store.get(commitKey(version));
        if (!winnerBytes) break; // a gap cannot exist below a created version; retry this version
        const winner = parseCommit(new TextDecoder().decode(winnerBytes));
        if (winnerTxnId(winner) === this.txnId) {
          return { kind: 'committed', version, attempts: attempt, conflictsResolved };
        }
        const conflict = checkWinningCommit(footprint, version, winner);
        if (conflict) return { kind: 'conflict', conflict, attempts: attempt };
        conflictsResolved++;
        version++;
      }
      options.onRetry?.({ version, attempt });
      await sleep(backoff(attempt, options.backoffMs ?? 5));
    }
    throw new DeltaError(
      'CommitRetriesExhausted',
      `gave up committing to ${store.description} after ${maxAttempts} attempts (last tried version ${version})`,
      { table: store.description, version },
    );
  }

  private isolation(): IsolationLevel {
    if (this.init.isolation) return this.init.isolation;
    const onlyRearranges =
      this.adds.every((a) => !a.dataChange) &&
      this.removes.every((r) => !r.dataChange) &&
      this.metadata === undefined &&
      this.protocol === undefined &&
      this.txns.length === 0 &&
      this.adds.length + this.removes.length > 0;
    return onlyRearranges ? 'SnapshotIsolation' : 'Serializable';
  }

  private footprint(): TransactionFootprint {
    return {
      isolation: this.isolation(),
      readFiles:
        this.init.readFiles ??
        (this.removes.length > 0 ? new Set(this.removes.map((r) => canonicalPathKey(r.path))) : 'none'),
      ...(this.init.readPartitions ? { readPartitions: this.init.readPartitions } : {}),
      removedFiles: new Set(this.removes.map((r) => canonicalPathKey(r.path))),
      appIds: new Set(this.txns.map((t) => t.appId)),
      changesMetadata: this.metadata !== undefined,
      changesProtocol: this.protocol !== undefined,
    };
  }

  private checkInvariants(): void {
    const snapshot = this.init.readSnapshot;
    if (!snapshot && !(this.metadata && this.protocol)) {
      throw new DeltaError('InvalidArgument', 'a new table needs protocol and metaData in its first commit');
    }
    const config = this.metadata?.configuration ?? snapshot?.metadata.configuration ?? {};
    if (config['delta.appendOnly'] === 'true' && this.removes.some((r) => r.dataChange)) {
      throw new DeltaError(
        'InvalidArgument',
        `table ${this.init.store.description} is append-only (delta.appendOnly)`,
      );
    }
    const seen = new Set<string>();
    for (const a of [...this.adds.map((x) => x.path), ...this.removes.map((x) => x.path)]) {
      const key = canonicalPathKey(a);
      if (seen.has(key)) throw new DeltaError('InvalidArgument', `file ${a} appears twice in one commit`);
      seen.add(key);
    }
  }
}

function winnerTxnId(actions: readonly Action[]): string | undefined {
  for (const a of actions) if ('commitInfo' in a) return a.commitInfo.txnId;
  return undefined;
}

function backoff(attempt: number, base: number): number {
  const cap = Math.min(200, base * 2 ** Math.min(attempt, 6));
  return Math.random() * cap;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
