/**
 * Errors raised by `ObjectStore` backends. Expected outcomes (missing object, existing object on a
 * create-only write) are values, not errors; these are for failures the caller cannot treat as data.
 * Every error names the store and the key (or URL) so a log line alone locates the problem.
 */
export type StoreOperation = 'get' | 'getRange' | 'head' | 'list' | 'put' | 'putIfAbsent' | 'delete';

/** An I/O failure in one operation. `cause` keeps the backend's own error (errno, HTTP status). */
export class StoreError extends Error {
  constructor(
    readonly store: string,
    readonly operation: StoreOperation,
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} ${JSON.stringify(key)} in ${store}: ${message}`, options);
    this.name = 'StoreError';
  }
}

/** A key, prefix or byte range that no backend accepts; a programming error, never retryable. */
export class InvalidKeyError extends Error {
  constructor(
    readonly store: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid key ${JSON.stringify(key)} for ${store}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/** A store URL that `openStore` cannot turn into a store (unknown scheme, missing credentials). */
export class StoreUrlError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot open store ${url}: ${reason}`);
    this.name = 'StoreUrlError';
  }
}
