/**
 * The one storage port the Delta library talks to.
 *
 * Invariant: `putIfAbsent` is the only operation that must be atomic and create-only; a Delta version
 * is visible iff its commit file was created by exactly one successful `putIfAbsent`. Everything else
 * (data files with unique names, checkpoints, `_last_checkpoint`) may use a whole-object `put`.
 *
 * Keys are '/'-separated paths relative to the store's root, never starting with '/'. The rules every
 * backend shares (key syntax, list order, hidden temp objects, range clamping) are in `store-rules.ts`.
 */
export interface ObjectMeta {
  key: string;
  size: number;
  /** Milliseconds since the epoch. */
  lastModified: number;
}

export type PutIfAbsentResult = { kind: 'created' } | { kind: 'exists' };

export interface ListOptions {
  /** Only keys that sort lexicographically at or after this key (inclusive). */
  startAfterOrAt?: string;
  /** Only keys that sort strictly before this key (exclusive upper bound). */
  endBefore?: string;
}

export interface ObjectStore {
  /** A URL-ish description for messages, e.g. `file:///lake` or `az://bronze`. */
  readonly description: string;
  /** Whole object, or `undefined` when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Bytes [start, end) of the object, clamped to its size. Throws `NotFoundError` when missing. */
  getRange(key: string, start: number, end: number): Promise<Uint8Array>;
  /** Metadata, or `undefined` when missing. */
  head(key: string): Promise<ObjectMeta | undefined>;
  /**
   * Every object whose key starts with `prefix`, sorted by key ascending (code point order), without
   * in-flight temp objects (`.<name>.<id>.tmp`).
   */
  list(prefix: string, options?: ListOptions): Promise<ObjectMeta[]>;
  /** Whole-object write that may overwrite. */
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Atomic create-only write. Never leaves a partially visible object.
   *
   * Idempotent for identical bytes: when `key` already holds exactly `data`, the result is 'created'.
   * A backend whose client retries internally (Azure) cannot otherwise tell its own earlier, successful
   * attempt from a rival's, so every backend answers the same way. Writers that race must therefore
   * write distinct bytes (a Delta commit carries its own `commitInfo.txnId`).
   */
  putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult>;
  /** Deletes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export class NotFoundError extends Error {
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super(`object not found: ${key} in ${store}`);
    this.name = 'NotFoundError';
  }
}
