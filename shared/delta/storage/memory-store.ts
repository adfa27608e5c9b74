/**
 * An `ObjectStore` held in process memory, for tests and for `memory://` lakes.
 *
 * Invariant: `putIfAbsent` is atomic because its check and its insert run in one synchronous step;
 * no `await` separates them, so no other task can interleave. Bytes are copied in and out, so a caller
 * mutating its buffer can never change a stored object.
 */
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';
import { NotFoundError } from './object-store.js';
import {
  bytesEqual,
  checkKey,
  checkPrefix,
  clampRange,
  compareKeys,
  isTempObjectKey,
} from './store-rules.js';

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
    return settle(() => this.#find(key)?.data.slice());
  }

  getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return settle(() => {
      const found = this.#find(key);
      if (found === undefined) throw new NotFoundError(this.description, key);
      const range = clampRange(this.description, key, start, end, found.data.byteLength);
      return found.data.slice(range.start, range.end);
    });
  }

  head(key: string): Promise<ObjectMeta | undefined> {
    return settle(() => {
      const found = this.#find(key);
      return found === undefined ? undefined : meta(key, found);
    });
  }

  list(prefix: string, options: ListOptions = {}): Promise<ObjectMeta[]> {
    return settle(() => {
      checkPrefix(this.description, prefix);
      const from = options.startAfterOrAt;
      const out: ObjectMeta[] = [];
      for (const [key, found] of this.#objects) {
        if (!key.startsWith(prefix) || isTempObjectKey(key)) continue;
        if (from !== undefined && compareKeys(key, from) < 0) continue;
        if (options.endBefore !== undefined && compareKeys(key, options.endBefore) >= 0) continue;
        out.push(meta(key, found));
      }
      return out.sort((a, b) => compareKeys(a.key, b.key));
    });
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return settle(() => {
      checkKey(this.description, key);
      this.#objects.set(key, { data: data.slice(), lastModified: Date.now() });
    });
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    return settle((): PutIfAbsentResult => {
      const found = this.#find(key);
      if (found !== undefined) return { kind: bytesEqual(found.data, data) ? 'created' : 'exists' };
      this.#objects.set(key, { data: data.slice(), lastModified: Date.now() });
      return { kind: 'created' };
    });
  }

  delete(key: string): Promise<void> {
    return settle(() => {
      checkKey(this.description, key);
      this.#objects.delete(key);
    });
  }

  #find(key: string): StoredObject | undefined {
    checkKey(this.description, key);
    return this.#objects.get(key);
  }
}

/** Runs `operation` synchronously (that is what makes it atomic) and reports a throw as a rejection. */
function settle<T>(operation: () => T): Promise<T> {
  return new Promise((resolve) => resolve(operation()));
}

function meta(key: string, found: StoredObject): ObjectMeta {
  return { key, size: found.data.byteLength, lastModified: found.lastModified };
}
