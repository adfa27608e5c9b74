/**
 * What every trigger source of one runtime start is wired with: the indexed functions, the published
 * app settings, the one clock, the one invoker (so every source shares its input providers and
 * in-flight tracking), blob containers in the runtime's storage account, and the system log.
 */
import type { AppSettings } from './app-settings.js';
import type { Clock } from './clock.js';
import type { IndexedFunction } from './function-index.js';
import type { Invoker } from './invoker.js';
import type { BlobContainer } from './runtime-storage.js';

export interface RuntimeContext {
  functions: readonly IndexedFunction[];
  settings: AppSettings;
  clock: Clock;
  invoker: Invoker;
  blobs: (container: string) => BlobContainer;
  log: (message: string) => void;
}
