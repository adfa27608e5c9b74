/**
 * A decorator that records every call through the `ObjectStore` port, so tests can assert how much
 * was read or written (e.g. log replay after a checkpoint reads only the newer commits).
 *
 * Invariant: it changes nothing; each call is forwarded once, and recorded only after it returns
 * (failed calls are recorded too, with 0 bytes, so retries stay visible).
 * `bytes` counts payload: bytes returned by get/getRange, bytes sent by put/putIfAbsent.
 */
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';
import type { StoreOperation } from './store-error.js';

export interface RecordedCall {
  operation: StoreOperation;
  /** The key, or the prefix for `list`. */
  key: string;
  bytes: number;
  ok: boolean;
}

export interface OperationCount {
  calls: number;
  bytes: number;
}

export class CountingStore implements ObjectStore {
  readonly description: string;
  readonly calls: RecordedCall[] = [];

  constructor(readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  /** Calls and bytes of one operation, or of all operations when omitted. */
  count(operation?: StoreOperation): OperationCount {
    const selected = this.calls.filter((c) => operation === undefined || c.operation === operation);
    return { calls: selected.length, bytes: selected.reduce((sum, c) => sum + c.bytes, 0) };
  }

  /** Keys touched by an operation, in call order; e.g. `keys('get')` = the objects read whole. */
  keys(operation: StoreOperation): string[] {
    return this.calls.filter((c) => c.operation === operation).map((c) => c.key);
  }

  reset(): void {
    this.calls.length = 0;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.#record(
      'get',
      key,
      () => this.inner.get(key),
      (r) => r?.byteLength ?? 0,
    );
  }

  getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return this.#record(
      'getRange',
      key,
      () => this.inner.getRange(key, start, end),
      (r) => r.byteLength,
    );
  }

  head(key: string): Promise<ObjectMeta | undefined> {
    return this.#record(
      'head',
      key,
      () => this.inner.head(key),
      () => 0,
    );
  }

  list(prefix: string, options?: ListOptions): Promise<ObjectMeta[]> {
    return this.#record(
      'list',
      prefix,
      () => this.inner.list(prefix, options),
      () => 0,
    );
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.#record(
      'put',
      key,
      () => this.inner.put(key, data),
      () => data.byteLength,
    );
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    return this.#record(
      'putIfAbsent',
      key,
      () => this.inner.putIfAbsent(key, data),
      () => data.byteLength,
    );
  }

  delete(key: string): Promise<void> {
    return this.#record(
      'delete',
      key,
      () => this.inner.delete(key),
      () => 0,
    );
  }

  async #record<T>(
    operation: StoreOperation,
    key: string,
    call: () => Promise<T>,
    bytesOf: (result: T) => number,
  ): Promise<T> {
    try {
      const result = await call();
      this.calls.push({ operation, key, bytes: bytesOf(result), ok: true });
      return result;
    } catch (error) {
      this.calls.push({ operation, key, bytes: 0, ok: false });
      throw error;
    }
  }
}
