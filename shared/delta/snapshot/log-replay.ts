/**
 * Log replay (PROTOCOL.md "Action Reconciliation"): the state of a version is the checkpoint's actions
 * followed by each later commit in order, where the latest protocol and metaData win, the latest txn
 * per appId wins, and file actions are keyed by (canonical path, deletion vector id) with the newest
 * action winning: an add makes the file live, a remove makes it a tombstone.
 */
import type { Action, Add, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js';
import { canonicalPathKey } from '../protocol/paths.js';

export type FileAction = { add: Add } | { remove: Remove };

/**
 * Canonical key → the newest file action, as layers: a state continued from another (a refresh, the
 * state after our own commit) adds a layer over the other's index in O(1) instead of copying it — a
 * Bronze table holds tens of thousands of files between compactions, and a writer that commits every
 * second only needs the few it adds. `entries()` flattens (in the order one map receiving every
 * action would have: first appearance of the key), which only readers of the file list need.
 */
export class FileIndex {
  private readonly own = new Map<string, FileAction>();
  private flat: Map<string, FileAction> | undefined;

  private constructor(
    private readonly parent: FileIndex | undefined,
    readonly depth: number,
  ) {}

  static empty(): FileIndex {
    return new FileIndex(undefined, 0);
  }

  /** A new index continuing this one; this one must not be changed afterwards. */
  child(): FileIndex {
    return new FileIndex(this, this.depth + 1);
  }

  set(key: string, action: FileAction): void {
    this.own.set(key, action);
    this.flat = undefined;
  }

  entries(): ReadonlyMap<string, FileAction> {
    if (this.flat) return this.flat;
    if (!this.parent) return this.own;
    // Walk down to the nearest flattened layer (or the root) and replay the layers above it; only
    // this layer keeps the result (caching every layer would hold one copy of the files per commit).
    const layers: FileIndex[] = [this];
    let base: FileIndex = this.parent;
    while (!base.flat && base.parent) {
      layers.push(base);
      base = base.parent;
    }
    const merged = new Map(base.flat ?? base.own);
    for (let i = layers.length - 1; i >= 0; i--) {
      for (const [key, action] of (layers[i] as FileIndex).own) merged.set(key, action);
    }
    return (this.flat = merged);
  }
}

export interface ReplayState {
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  txns: Map<string, Txn>;
  /** Canonical key → the newest file action. */
  files: FileIndex;
  /** Version in which each live file's add was last seen (for incremental readers). */
  usesDeletionVectors: boolean;
}

export function emptyReplayState(): ReplayState {
  return {
    protocol: undefined,
    metadata: undefined,
    txns: new Map(),
    files: FileIndex.empty(),
    usesDeletionVectors: false,
  };
}

/** A new state continuing `state` (which stays unchanged): own txns map, a file-index layer on top. */
export function continueState(state: ReplayState): ReplayState {
  return { ...state, txns: new Map(state.txns), files: state.files.child() };
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
