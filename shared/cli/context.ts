/**
 * What every CLI command needs, built once in main: settings and a store factory for table URLs.
 */
import type { Settings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { openStore } from '../storage/store-from-url.js';
import { storeOptionsFor } from '../storage/lake-store.js';

export interface CliContext {
  settings: Settings;
  openStore(url: string): ObjectStore;
  resolveAbsolute(uri: string): { store: ObjectStore; key: string } | undefined;
}

export function createCliContext(settings: Settings): CliContext {
  // az:// takes the configured connection string, abfss:// the signed-in identity (DefaultAzureCredential).
  const open = (url: string) => openStore(url, storeOptionsFor(url, settings));
  return {
    settings,
    openStore: open,
    resolveAbsolute: (uri) => {
      if (!uri.startsWith('file://')) return undefined;
      const path = uri.slice('file://'.length);
      const slash = path.lastIndexOf('/');
      return { store: open(path.slice(0, slash) || '/'), key: path.slice(slash + 1) };
    },
  };
}
