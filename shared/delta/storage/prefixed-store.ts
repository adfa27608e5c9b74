/**
 * A view of an `ObjectStore` rooted at a key prefix, e.g. one table inside a lake:
 * `prefixed(lake, 'bronze/pos_events')`.
 *
 * Invariant: the view sees exactly the objects under `<prefix>/`, under their keys with `<prefix>/`
 * removed; every operation, `putIfAbsent`'s atomicity included, is the underlying store's own.
 */
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';
import { checkKey } from './store-rules.js';

/** `prefix` is a key path ('a/b'); surrounding slashes are ignored and '' returns `store` itself. */
export function prefixed(store: ObjectStore, prefix: string): ObjectStore {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return store;
  checkKey(store.description, trimmed);
  return new PrefixedStore(store, `${trimmed}/`);
}

class PrefixedStore implements ObjectStore {
  readonly description: string;

  constructor(
    private readonly inner: ObjectStore,
    private readonly root: string,
  ) {
    this.description = `${inner.description.replace(/\/+$/, '')}/${root.slice(0, -1)}`;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(this.root + key);
  }

  getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return this.inner.getRange(this.root + key, start, end);
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const found = await this.inner.head(this.root + key);
    return found === undefined ? undefined : { ...found, key };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ObjectMeta[]> {
    const from = options.startAfterOrAt;
    const until = options.endBefore;
    const found = await this.inner.list(this.root + prefix, {
      ...(from === undefined ? {} : { startAfterOrAt: this.root + from }),
      ...(until === undefined ? {} : { endBefore: this.root + until }),
    });
    return found.map((m) => ({ ...m, key: m.key.slice(this.root.length) }));
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.inner.put(this.root + key, data);
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<PutIfAbsentResult> {
    return this.inner.putIfAbsent(this.root + key, data);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(this.root + key);
  }
}
