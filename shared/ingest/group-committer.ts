/**
 * Group commit: appends to the same table from concurrent landings in this process (one function
 * instance usually owns several partitions) share one Delta commit, each with its own `txn`.
 *
 * Why: a Delta log accepts one commit per version, so N partitions racing for it lose N−1 times per
 * version and the loser's wasted create-only writes slow the winner. Grouping turns N racers per
 * process into one, and its commit carries everyone's rows and watermarks at once.
 *
 * Invariants:
 * - A group never holds two members with the same appId (a txn is set once per commit); such a
 *   member waits for the next group.
 * - Each member's rows were filtered against its own snapshot's watermark. The group reads from the
 *   newest of the member snapshots and the snapshot after this committer's own last commit, so a
 *   member whose appId watermark differs there is answered `stale` (it reloads and refilters) instead
 *   of being committed unchecked; winners after the group's read version are checked by the
 *   transaction's conflict checker as usual.
 * - One outcome per member: committed (same version for all), conflict, stale, or the thrown error.
 */
import type { Add } from '../delta/protocol/actions.js';
import { tombstoneCutoff } from '../delta/checkpoint/checkpoint-writer.js';
import {
  snapshotAfterCommit,
  snapshotFromOwnCheckpoint,
  type Snapshot,
} from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { maybeCheckpoint, numRecords } from '../delta/table.js';
import type { Conflict } from '../delta/transaction/conflict-checker.js';
import type { CommitOptions } from '../delta/transaction/transaction.js';
import { Transaction } from '../delta/transaction/transaction.js';

export type GroupOutcome =
  | {
      kind: 'committed';
      version: number;
      attempts: number;
      conflictsResolved: number;
      groupSize: number;
      /** The table right after this commit, when nobody committed between the read and it. */
      snapshot?: Snapshot;
    }
  | { kind: 'conflict'; conflict: Conflict; attempts: number }
  | { kind: 'stale' };

interface Member {
  snapshot: Snapshot;
  adds: Add[];
  txn: { appId: string; version: number } | undefined;
  resolve(outcome: GroupOutcome): void;
  reject(err: unknown): void;
}

const MAX_GROUP = 256;
const committers = new WeakMap<ObjectStore, GroupCommitter>();

/** The process-wide committer of the table behind `store` (one per store object). */
export function groupCommitter(store: ObjectStore, options: CommitOptions = {}): GroupCommitter {
  let c = committers.get(store);
  if (!c) committers.set(store, (c = new GroupCommitter(store, options)));
  return c;
}

export class GroupCommitter {
  private queue: Member[] = [];
  private running = false;
  /**
   * The table right after this committer's last commit (when known): members that opened their
   * snapshot while that commit was in flight would otherwise make the next group read an older
   * version and lose a race against our own commit.
   */
  private latest: Snapshot | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: CommitOptions,
  ) {}

  commit(
    snapshot: Snapshot,
    adds: Add[],
    txn: { appId: string; version: number } | undefined,
  ): Promise<GroupOutcome> {
    return new Promise<GroupOutcome>((resolve, reject) => {
      this.queue.push({ snapshot, adds, txn, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          await this.commitGroup(group);
        } catch (err) {
          for (const m of group) m.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private take(): Member[] {
    const group: Member[] = [];
    const rest: Member[] = [];
    const appIds = new Set<string>();
    for (const m of this.queue) {
      if (group.length >= MAX_GROUP || (m.txn && appIds.has(m.txn.appId))) rest.push(m);
      else {
        group.push(m);
        if (m.txn) appIds.add(m.txn.appId);
      }
    }
    this.queue = rest;
    return group;
  }

  private async commitGroup(group: Member[]): Promise<void> {
    if (group.length === 0) return;
    let base = this.latest;
    for (const m of group) if (base === undefined || m.snapshot.version > base.version) base = m.snapshot;
    if (base === undefined) return;
    const read = base;
    const members: Member[] = [];
    for (const m of group) {
      if (m.txn && read.txnVersion(m.txn.appId) !== m.snapshot.txnVersion(m.txn.appId))
        m.resolve({ kind: 'stale' });
      else members.push(m);
    }
    if (members.length === 0) return;
    const adds = members.flatMap((m) => m.adds);
    const txns = members.flatMap((m) => (m.txn ? [m.txn] : []));
    const tx = new Transaction({
      store: this.store,
      readSnapshot: read,
      operation: txns.length > 0 ? 'STREAMING UPDATE' : 'WRITE',
      operationParameters:
        txns.length > 0
          ? {
              outputMode: 'Append',
              queryId: txns.map((t) => t.appId).join(','),
              epochId: txns.map((t) => t.version).join(','),
            }
          : { mode: 'Append', partitionBy: JSON.stringify(read.partitionColumns) },
      commitInfo: {
        operationMetrics: {
          numFiles: String(adds.length),
          numOutputRows: String(adds.reduce((n, a) => n + numRecords(a), 0)),
          numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
        },
      },
    });
    tx.addFiles(adds);
    for (const t of txns) tx.setTransaction(t.appId, t.version);
    const result = await tx.commit(this.options);
    if (result.kind === 'committed') {
      // Landed right after the read version: the new state is known without reading the log back.
      let after = snapshotAfterCommit(read, result.version, tx.actions());
      // The checkpoint is an optimisation for readers; the commit has already succeeded.
      const now = Date.now();
      const checkpointed = await maybeCheckpoint(this.store, result.version, after ?? read, now).catch(
        () => false,
      );
      // Written from `after`: continue from it as a fresh load would (bounded commits and tombstones).
      if (checkpointed && after) after = snapshotFromOwnCheckpoint(after, tombstoneCutoff(after, now)) ?? after;
      if (after) this.latest = after;
      for (const m of members)
        m.resolve({
          kind: 'committed',
          version: result.version,
          attempts: result.attempts,
          conflictsResolved: result.conflictsResolved,
          groupSize: members.length,
          ...(after ? { snapshot: after } : {}),
        });
    } else {
      for (const m of members)
        m.resolve({ kind: 'conflict', conflict: result.conflict, attempts: result.attempts });
    }
  }
}
