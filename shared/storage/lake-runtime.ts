/**
 * The process-wide lake for function handlers: settings from the environment and the store for
 * LAKE_URL, built once on first use and shared by every function of the app (ingest, maintenance,
 * Data Docs), so one process holds one set of storage clients and credentials.
 */
import type { Settings } from '../config/config.js';
import { loadSettings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { openLake } from './lake-store.js';

export interface LakeRuntime {
  settings: Settings;
  /** The lake root (tables at `bronze/pos_events`, `gold/...`, `ops/...`). */
  lake: ObjectStore;
}

let runtime: LakeRuntime | undefined;

export function lakeRuntime(): LakeRuntime {
  if (!runtime) {
    const settings = loadSettings();
    runtime = { settings, lake: openLake(settings) };
  }
  return runtime;
}

/** Replaces the runtime (tests, the local runtime). */
export function setLakeRuntime(next: LakeRuntime | undefined): void {
  runtime = next;
}
