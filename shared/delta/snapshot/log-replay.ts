/**
 * Log replay (PROTOCOL.md "Action Reconciliation"): the state of a version is the checkpoint's actions
 * followed by each later commit in order, where the latest protocol and metaData win, the latest txn
 * per appId wins, and file actions are keyed by (canonical path, deletion vector id) with the newest
 * action winning: an add makes the file live, a remove makes it a tombstone.
 */
import type { Action, Add, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js';
import { canonicalPathKey } from '../protocol/paths.js';

export interface ReplayState {
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  txns: Map<string, Txn>;
  /** Canonical key → the newest file action. */
  files: Map<string, { add: Add } | { remove: Remove }>;
  /** Version in which each live file's add was last seen (for incremental readers). */
  usesDeletionVectors: boolean;
}

export function emptyReplayState(): ReplayState {
  return {
    protocol: undefined,
    metadata: undefined,
    txns: new Map(),
    files: new Map(),
    usesDeletionVectors: false,
  };
}

export function applyActions(state: ReplayState, actions: Iterable<Action>): void {
  for (const action of actions) {
    if ('add' in action) {
      const add = action.add;
      if (add.deletionVector) state.usesDeletionVectors = true;
      state.files.set(fileKey(add.path, add.deletionVector), { add });
    } else if ('remove' in action) {
      const remove = action.remove;
      state.files.set(fileKey(remove.path, remove.deletionVector), { remove });
    } else if ('metaData' in action) state.metadata = action.metaData;
    else if ('protocol' in action) state.protocol = action.protocol;
    else if ('txn' in action) state.txns.set(action.txn.appId, action.txn);
  }
}

function fileKey(
  path: string,
  dv: { storageType: string; pathOrInlineDv: string; offset?: number | null } | null | undefined,
): string {
  const base = canonicalPathKey(path);
  if (!dv) return base;
  return `${base}\u0000${dv.storageType}${dv.pathOrInlineDv}${dv.offset === null || dv.offset === undefined ? '' : `@${dv.offset}`}`;
}
