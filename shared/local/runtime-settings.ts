/**
 * The settings one runtime start runs with. App settings are local.settings.json `Values`, overridden
 * by the storage connection (for every `UseDevelopmentStorage=true` value and AzureWebJobsStorage),
 * overridden by the caller's settings; they are published to shared/config before the app loads, with
 * the storage and caller keys marked explicit. host.json (or its override) gives the host settings,
 * and its task hub name is resolved against the app settings.
 */
import { join } from 'node:path';
import { publishAppSettings } from '../config/config.js';
import { readLocalSettings, resolveSettingReferences, type AppSettings } from './app-settings.js';
import { hostSettings, readHostJson, type HostSettings } from './host-json.js';
import type { LocalRuntimeOptions } from './runtime-options.js';

export interface RuntimeSettings {
  settings: AppSettings;
  host: HostSettings;
  taskHub: string;
}

export async function resolveRuntimeSettings(
  appDir: string,
  connectionString: string | undefined,
  options: Pick<LocalRuntimeOptions, 'settings' | 'hostJson'>,
): Promise<RuntimeSettings> {
  const local = await readLocalSettings(join(appDir, 'local.settings.json'));
  const storageDefaults: Record<string, string> = {};
  for (const [key, value] of Object.entries(local)) {
    if (connectionString !== undefined && /UseDevelopmentStorage=true/i.test(value))
      storageDefaults[key] = connectionString;
  }
  if (connectionString !== undefined) storageDefaults.AzureWebJobsStorage = connectionString;
  const explicit = { ...storageDefaults, ...(options.settings ?? {}) };
  const settings: AppSettings = Object.freeze({ ...local, ...explicit });
  publishAppSettings(settings, new Set(Object.keys(explicit)));

  const host: HostSettings = hostSettings(
    options.hostJson ?? (await readHostJson(join(appDir, 'host.json'))),
  );
  const taskHub = resolveSettingReferences(host.taskHub, settings, 'host.json durableTask.hubName');
  return { settings, host, taskHub };
}
