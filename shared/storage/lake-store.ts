/**
 * Opens the lake (LAKE_URL) and the landing zone (LANDING_URL) with the credential their URL scheme
 * needs, so composition roots never choose between connection strings and identities themselves.
 *
 * | URL scheme              | credential                                                              |
 * |-------------------------|-------------------------------------------------------------------------|
 * | `abfss://`, `abfs://`   | Microsoft Entra ID token: `DefaultAzureCredential` (in Azure the app's managed identity; locally `az login` or AZURE_* variables) |
 * | `az://`                 | the connection string: LAKE_STORAGE_CONNECTION_STRING, else AzureWebJobsStorage |
 * | folder, `file://`, `memory://` | none                                                             |
 *
 * Invariant: no credential is created for a URL that does not need one, and at most one
 * `DefaultAzureCredential` exists per process (it caches tokens; one instance serves every store).
 */
import { DefaultAzureCredential } from '@azure/identity';
import type { Settings } from '../config/config.js';
import { lakeConnectionString } from '../config/config.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import type { TokenCredential } from './azure-blob-store.js';
import { openStore, type OpenStoreOptions } from './store-from-url.js';

/** The lake root (LAKE_URL); tables live under it (`bronze/pos_events`, `gold/…`, `ops/runs`). */
export function openLake(settings: Settings, credential?: TokenCredential): ObjectStore {
  return openStore(settings.LAKE_URL, storeOptionsFor(settings.LAKE_URL, settings, credential));
}

/** The landing zone the batch load reads (LANDING_URL). */
export function openLanding(settings: Settings, credential?: TokenCredential): ObjectStore {
  return openStore(settings.LANDING_URL, storeOptionsFor(settings.LANDING_URL, settings, credential));
}

/** The `openStore` options for one URL: a token credential for abfss, the connection string for az. */
export function storeOptionsFor(
  url: string,
  settings: Settings,
  credential?: TokenCredential,
): OpenStoreOptions {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'abfss' || scheme === 'abfs') return { credential: credential ?? processCredential() };
  if (scheme === 'az') {
    const connection = lakeConnectionString(settings);
    return connection ? { azureConnectionString: connection } : {};
  }
  return {};
}

let shared: DefaultAzureCredential | undefined;

/** The process-wide Entra ID credential, created on first use. */
export function processCredential(): TokenCredential {
  shared ??= new DefaultAzureCredential();
  return shared;
}
