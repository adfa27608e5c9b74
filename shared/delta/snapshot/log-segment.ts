/**
 * A log segment: the checkpoint (if any) and the contiguous commits that together define one version.
 *
 * Invariant: commits from checkpoint+1 (or 0) to the target version are all present, or loading fails
 * with `MissingVersion`. `_last_checkpoint` is only a hint: when it is missing, empty, corrupt or points
 * at a checkpoint that is not there, the full listing is used instead.
 */
import { DeltaError } from '../errors.js';
import { LAST_CHECKPOINT, LOG_DIR, pad20, parseLogKey } from '../protocol/log-path.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface LogSegment {
  version: number;
  /** Keys of the checkpoint parts at `checkpointVersion`, in part order; empty when replay starts at 0. */
  checkpointKeys: string[];
  checkpointVersion: number | undefined;
  /** Commit keys in ascending version order, all greater than the checkpoint version. */
  commits: { version: number; key: string }[];
  /** True when the table holds reader-v2-style (UUID) checkpoints we skipped. */
  skippedV2Checkpoint: boolean;
}

export interface LastCheckpointHint {
  version: number;
  size?: number;
  parts?: number;
}

export async function readLastCheckpoint(store: ObjectStore): Promise<LastCheckpointHint | undefined> {
  try {
    const bytes = await store.get(LAST_CHECKPOINT);
    if (!bytes || bytes.length === 0) return undefined;
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown; parts?: unknown };
    if (typeof parsed.version !== 'number' || !Number.isInteger(parsed.version) || parsed.version < 0)
      return undefined;
    return {
      version: parsed.version,
      ...(typeof parsed.parts === 'number' ? { parts: parsed.parts } : {}),
    };
  } catch {
    return undefined;
  }
}

export async function buildLogSegment(
  store: ObjectStore,
  table: string,
  targetVersion?: number,
): Promise<LogSegment> {
  // Partial listings from a likely checkpoint version first (cheap on object stores with a start key);
  // each is accepted only if it contains a complete checkpoint at or below the target.
  for (const from of await listingStarts(store, targetVersion)) {
    const listed = await store.list(`${LOG_DIR}/`, {
      startAfterOrAt: `${LOG_DIR}/${pad20(from)}`,
      ...(targetVersion === undefined ? {} : { endBefore: `${LOG_DIR}/${pad20(targetVersion + 1)}` }),
    });
    const segment = segmentFromListing(
      listed.map((o) => o.key),
      table,
      targetVersion,
      from,
    );
    if (segment) return segment;
  }
  const listed = await store.list(`${LOG_DIR}/`);
  const segment = segmentFromListing(
    listed.map((o) => o.key),
    table,
    targetVersion,
    undefined,
  );
  if (segment) return segment;
  throw new DeltaError('TableNotFound', `no Delta table at ${table}: _delta_log is missing or empty`, {
    table,
  });
}

/**
 * Where to start partial listings: the `_last_checkpoint` hint when it is at or below the target, else
 * (time travel) the target rounded down to the usual checkpoint cadences.
 */
async function listingStarts(store: ObjectStore, targetVersion: number | undefined): Promise<number[]> {
  const hint = await readLastCheckpoint(store);
  if (hint && (targetVersion === undefined || targetVersion >= hint.version)) return [hint.version];
  if (targetVersion === undefined) return [];
  const starts = [10, 100].map((n) => targetVersion - (targetVersion % n)).filter((v) => v > 0);
  return [...new Set(starts)];
}

/**
 * Builds the segment from a listing; `undefined` when the listing cannot define the table (empty, or a
 * partial listing starting at `partialFrom` that holds no usable checkpoint), so the caller can fall
 * back to a full listing.
 */
function segmentFromListing(
  keys: string[],
  table: string,
  targetVersion: number | undefined,
  partialFrom: number | undefined,
): LogSegment | undefined {
  const commits = new Map<number, string>();
  const checkpoints = new Map<number, { classic?: string; parts: Map<number, string>; partCount?: number }>();
  let skippedV2 = false;
  for (const key of keys) {
    const f = parseLogKey(key);
    if (f.kind === 'commit') commits.set(f.version, f.key);
    else if (f.kind === 'checkpoint') {
      const entry = checkpoints.get(f.version) ?? { parts: new Map<number, string>() };
      if (f.part === undefined) entry.classic = f.key;
      else {
        entry.parts.set(f.part, f.key);
        entry.partCount = f.parts;
      }
      checkpoints.set(f.version, entry);
    } else if (f.kind === 'v2-checkpoint') skippedV2 = true;
  }
  const maxCommit = max(commits.keys());
  const completeCheckpoints = [...checkpoints.entries()]
    .map(([version, e]) => ({ version, keys: completeParts(e) }))
    .filter((c): c is { version: number; keys: string[] } => c.keys !== undefined)
    .sort((a, b) => a.version - b.version);
  const maxCheckpoint = completeCheckpoints.at(-1)?.version;
  if (maxCommit === undefined && maxCheckpoint === undefined) return undefined;
  const latest = Math.max(maxCommit ?? -1, maxCheckpoint ?? -1);
  const version = targetVersion ?? latest;
  if (version > latest) {
    throw new DeltaError(
      'MissingVersion',
      `version ${version} of table ${table} does not exist (latest is ${latest})`,
      {
        table,
        version,
      },
    );
  }
  if (targetVersion !== undefined && partialFrom !== undefined && targetVersion < partialFrom)
    return undefined;
  const checkpoint = [...completeCheckpoints].reverse().find((c) => c.version <= version);
  const start = checkpoint ? checkpoint.version + 1 : 0;
  if (!checkpoint && partialFrom !== undefined) return undefined;
  const segmentCommits: { version: number; key: string }[] = [];
  for (let v = start; v <= version; v++) {
    const key = commits.get(v);
    if (key === undefined) {
      throw new DeltaError(
        'MissingVersion',
        `table ${table}: commit ${v} is missing; versions ${start}..${version} must be contiguous` +
          (checkpoint ? ` after checkpoint ${checkpoint.version}` : ' (no checkpoint, replay starts at 0)'),
        { table, version: v },
      );
    }
    segmentCommits.push({ version: v, key });
  }
  return {
    version,
    checkpointKeys: checkpoint?.keys ?? [],
    checkpointVersion: checkpoint?.version,
    commits: segmentCommits,
    skippedV2Checkpoint: skippedV2,
  };
}

function completeParts(e: {
  classic?: string;
  parts: Map<number, string>;
  partCount?: number;
}): string[] | undefined {
  if (e.classic) return [e.classic];
  if (e.partCount === undefined) return undefined;
  const keys: string[] = [];
  for (let p = 1; p <= e.partCount; p++) {
    const key = e.parts.get(p);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

function max(values: Iterable<number>): number | undefined {
  let m: number | undefined;
  for (const v of values) if (m === undefined || v > m) m = v;
  return m;
}
