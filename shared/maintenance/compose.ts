/**
 * Composition for maintenance: the lake store and settings, built once per process from configuration.
 */
import type { Settings } from '../config/config.js';
import { lakeConnectionString, loadSettings } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { openStore } from '../storage/store-from-url.js';

export interface MaintenanceRuntime {
  settings: Settings;
  lake: ObjectStore;
}

let runtime: MaintenanceRuntime | undefined;

export function maintenanceRuntime(): MaintenanceRuntime {
  if (!runtime) {
    const settings = loadSettings();
    const connection = lakeConnectionString(settings);
    runtime = {
      settings,
      lake: openStore(settings.LAKE_URL, connection ? { azureConnectionString: connection } : {}),
    };
  }
  return runtime;
}

export function setMaintenanceRuntime(next: MaintenanceRuntime | undefined): void {
  runtime = next;
}
