/**
 * The process-wide registry behind `memory://<name>` URLs.
 *
 * Invariant: within one process, one name always means the same `MemoryStore`, so a writer and a
 * reader that each open `memory://lake/...` see the same objects. `forgetNamedMemoryStores` exists for
 * tests that need a clean slate.
 */
import { MemoryStore } from './memory-store.js';

const stores = new Map<string, MemoryStore>();

export function namedMemoryStore(name: string): MemoryStore {
  let store = stores.get(name);
  if (store === undefined) {
    store = new MemoryStore(name);
    stores.set(name, store);
  }
  return store;
}

export function forgetNamedMemoryStores(): void {
  stores.clear();
}
