/**
 * Composition for maintenance: the lake store and settings, built once per process from configuration.
 */
import type { Settings } from '../config/config.js';
import { loadSettings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { openLake } from '../storage/lake-store.js';

export interface MaintenanceRuntime {
  settings: Settings;
  lake: ObjectStore;
}

let runtime: MaintenanceRuntime | undefined;

export function maintenanceRuntime(): MaintenanceRuntime {
  if (!runtime) {
    const settings = loadSettings();
    runtime = { settings, lake: openLake(settings) };
  }
  return runtime;
}

export function setMaintenanceRuntime(next: MaintenanceRuntime | undefined): void {
  runtime = next;
}
