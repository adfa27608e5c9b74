/**
 * Optimistic concurrency (PROTOCOL.md "Optimistic Concurrency Control"; Spark ConflictChecker, delta-rs
 * conflict_checker): when our version was taken, each winning commit is checked against what our
 * transaction read and wrote. Passing every check means our commit is still valid one version later.
 */
import type { Action } from '../protocol/actions.js';
import { canonicalPathKey } from '../protocol/paths.js';

export type IsolationLevel = 'Serializable' | 'WriteSerializable' | 'SnapshotIsolation';

export interface TransactionFootprint {
  isolation: IsolationLevel;
  /** Canonical keys of files the transaction read; 'all' when it read the whole table. */
  readFiles: ReadonlySet<string> | 'all' | 'none';
  /**
   * Predicate over partition values of files the transaction read (for concurrent-append checks);
   * undefined with readFiles 'all' means every file counts.
   */
  readPartitions?: (partitionValues: Record<string, string | null>) => boolean;
  /** Canonical keys of files the transaction removes. */
  removedFiles: ReadonlySet<string>;
  /** appIds of txn actions the transaction writes or read. */
  appIds: ReadonlySet<string>;
  changesMetadata: boolean;
  changesProtocol: boolean;
}

export type ConflictKind =
  | 'ProtocolChanged'
  | 'MetadataChanged'
  | 'ConcurrentAppend'
  | 'ConcurrentDeleteRead'
  | 'ConcurrentDeleteDelete'
  | 'ConcurrentTransaction';

export interface Conflict {
  kind: ConflictKind;
  version: number;
  detail: string;
}

export function checkWinningCommit(
  footprint: TransactionFootprint,
  winnerVersion: number,
  winner: readonly Action[],
): Conflict | undefined {
  const conflict = (kind: ConflictKind, detail: string): Conflict => ({
    kind,
    version: winnerVersion,
    detail,
  });
  let winnerBlindAppend = false;
  for (const a of winner) if ('commitInfo' in a) winnerBlindAppend = a.commitInfo.isBlindAppend === true;

  for (const a of winner) {
    if ('protocol' in a) return conflict('ProtocolChanged', 'a concurrent commit changed the protocol');
  }
  for (const a of winner) {
    if ('metaData' in a) return conflict('MetadataChanged', 'a concurrent commit changed the table metadata');
  }
  const snapshotIsolation = footprint.isolation === 'SnapshotIsolation';
  if (!snapshotIsolation && footprint.readFiles !== 'none') {
    const ignoreBlind = footprint.isolation === 'WriteSerializable' && winnerBlindAppend;
    if (!ignoreBlind) {
      for (const a of winner) {
        if (!('add' in a) || !a.add.dataChange) continue;
        if (!footprint.readPartitions || footprint.readPartitions(a.add.partitionValues)) {
          return conflict(
            'ConcurrentAppend',
            `a concurrent commit added ${a.add.path} to data this transaction read`,
          );
        }
      }
    }
  }
  if (footprint.readFiles !== 'none') {
    for (const a of winner) {
      if (!('remove' in a)) continue;
      const key = canonicalPathKey(a.remove.path);
      const read =
        footprint.readFiles === 'all'
          ? !footprint.readPartitions || footprint.readPartitions(a.remove.partitionValues ?? {})
          : footprint.readFiles.has(key);
      if (read && !snapshotIsolation) {
        return conflict(
          'ConcurrentDeleteRead',
          `a concurrent commit removed ${a.remove.path}, which this transaction read`,
        );
      }
    }
  }
  for (const a of winner) {
    if ('remove' in a && footprint.removedFiles.has(canonicalPathKey(a.remove.path))) {
      return conflict('ConcurrentDeleteDelete', `a concurrent commit also removed ${a.remove.path}`);
    }
  }
  for (const a of winner) {
    if ('txn' in a && footprint.appIds.has(a.txn.appId)) {
      return conflict('ConcurrentTransaction', `a concurrent commit wrote txn for appId ${a.txn.appId}`);
    }
  }
  return undefined;
}
