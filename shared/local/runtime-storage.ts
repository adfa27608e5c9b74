/**
 * The runtime's storage account: an Azurite started here (in memory, or persisted at a location), a
 * running one given by connection string (left running), or none, in which case every container is
 * in memory. An Azurite started here is registered for cleanup as soon as it runs, so a start that
 * fails later still stops it.
 */
import type { ObjectStore } from '../delta/storage/object-store.js';
import { MemoryStore } from '../delta/storage/memory-store.js';
import { AzureBlobStore } from '../storage/azure-blob-store.js';
import { startAzurite, type Azurite } from './azurite.js';
import type { LocalRuntimeOptions } from './runtime-options.js';

/** A blob container; `ensure` creates it if missing (a no-op in memory). */
export type BlobContainer = ObjectStore & { ensure(): Promise<void> };

/** The storage connection string (AzureWebJobsStorage), or undefined when everything is in memory. */
export async function openRuntimeStorage(
  option: LocalRuntimeOptions['azurite'],
  cleanups: (() => Promise<void>)[],
): Promise<string | undefined> {
  let azurite: Azurite | undefined;
  let connectionString: string | undefined;
  if (option === false) connectionString = undefined;
  else if (option !== undefined && 'connectionString' in option) connectionString = option.connectionString;
  else {
    azurite = await startAzurite(option?.location === undefined ? {} : { location: option.location });
    const owned = azurite;
    cleanups.push(() => owned.stop());
    connectionString = azurite.connectionString;
  }
  return connectionString;
}

export function blobStore(connectionString: string | undefined, container: string): BlobContainer {
  if (connectionString === undefined)
    return Object.assign(new MemoryStore(container), { ensure: () => Promise.resolve() });
  const store = AzureBlobStore.fromConnectionString(connectionString, container);
  return Object.assign(store, { ensure: () => store.ensureContainer() });
}

export async function ensured<T extends { ensure(): Promise<void> }>(store: T): Promise<T> {
  await store.ensure();
  return store;
}
