/**
 * An `ObjectStore` held in process memory, for tests and for `memory://` lakes.
 *
 * Invariant: `putIfAbsent` is atomic because its check and its insert run in one synchronous step;
 * no `await` separates them, so no other task can interleave. Bytes are copied in and out, so a caller
 * mutating its buffer can never change a stored object.
 */
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';
import { NotFoundError } from './object-store.js';
import { bytesEqual, checkKey, checkPrefix, clampRange, compareKeys, isTempObjectKey } from './store-rules.js';

interface StoredObject {
  data: Uint8Array;
  lastModified: number;
}

export class MemoryStore implements ObjectStore {
  readonly description: string;
  readonly #objects = new Map<string, StoredObject>();

  constructor(name = 'anonymous') {
    this.description = `memory://${name}`;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    checkKey(this.description, key);
    const found = this.#objects.get(key);
    return Promise.resolve(found === undefined ? undefined : found.data.slice());
  }

  getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    checkKey(this.description, key);
    const found = this.#objects.get(key);
    if (found === undefined) return Promise.reject(new NotFoundError(this.description, key));
    const range = clampRange(this.description, key, start, end, found.data.byteLength);
    return Promise.resolve(found.data.slice(range.start, range.end));
  }

  head(key: string): Promise<ObjectMeta | undefined> {
    checkKey(this.description, key);
    const found = this.#objects.get(key);
    return Promise.resolve(found === undefined ? undefined : meta(key, found));
  }

  list(prefix: string, options: ListOptions = {}): Promise<ObjectMeta[]> {
    checkPrefix(this.description, prefix);
    const from = options.startAfterOrAt;
    const out: ObjectMeta[] = [];
    for (const [key, found] of this.#objects) {
      if (!key.startsWith(prefix) || isTempObjectKey(key)) continue;
      if (from !== undefined && compareKeys(key, from) < 0) continue;
      out.push(meta(key, found));
    }
    return Promise.resolve(out.sort((a, b) => compareKeys(a.key, b.key)));
  }

  put(key: string, data: Uint8Array): Promise<void> {
    checkKey(this.description, key);
    this.#objects.set(key, { data: data.slice(), lastModified: Date.now() });
    return Promise.resolve();
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    checkKey(this.description, key);
    const found = this.#objects.get(key);
    if (found !== undefined) {
      return Promise.resolve({ kind: bytesEqual(found.data, data) ? 'created' : 'exists' });
    }
    this.#objects.set(key, { data: data.slice(), lastModified: Date.now() });
    return Promise.resolve({ kind: 'created' });
  }

  delete(key: string): Promise<void> {
    checkKey(this.description, key);
    this.#objects.delete(key);
    return Promise.resolve();
  }
}

function meta(key: string, found: StoredObject): ObjectMeta {
  return { key, size: found.data.byteLength, lastModified: found.lastModified };
}
