/**
 * Opens the `ObjectStore` a table or lake URL names; the one place that maps URL schemes to backends.
 *
 * | URL                                                    | store                                     |
 * |--------------------------------------------------------|-------------------------------------------|
 * | `file:///abs/path`, `/abs/path`, `relative/path`       | `LocalFsStore` (relative: against `cwd`)  |
 * | `memory://name/sub/path`                               | process-wide `MemoryStore` "name", prefixed |
 * | `az://container/path`                                  | `AzureBlobStore` via a connection string  |
 * | `abfss://container@account.dfs.core.windows.net/path`  | `AzureBlobStore` on the account's Blob endpoint, token credential |
 *
 * Invariant: configuration arrives as parameters (the caller reads the environment), so the same URL
 * with the same options always opens the same store. URL paths are percent-decoded, as in `file:` URLs.
 * `abfss`/`abfs` go through the Blob endpoint, as delta-rs does, so a commit is the same conditional
 * Put Blob on every Azure account, HNS or not.
 */
import { ContainerClient } from '@azure/storage-blob';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AzureBlobStore, type TokenCredential } from './azure-blob-store.js';
import { LocalFsStore } from '../delta/storage/local-fs-store.js';
import { namedMemoryStore } from '../delta/storage/named-memory-store.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { StoreUrlError } from '../delta/storage/store-error.js';

export interface OpenStoreOptions {
  /** For `az://`: a Blob connection string (AZURE_STORAGE_CONNECTION_STRING or AzureWebJobsStorage). */
  azureConnectionString?: string;
  /** For `abfss://` (and `az://` when `azureAccountUrl` is set): e.g. a DefaultAzureCredential. */
  credential?: TokenCredential;
  /** For `az://` with `credential`: the Blob endpoint, e.g. https://acct.blob.core.windows.net */
  azureAccountUrl?: string;
  /** Base directory for relative paths; defaults to the process's current directory. */
  cwd?: string;
}

export function openStore(url: string, opts: OpenStoreOptions = {}): ObjectStore {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined:
      return new LocalFsStore(isAbsolute(url) ? url : resolve(opts.cwd ?? process.cwd(), url));
    case 'file':
      return new LocalFsStore(fileURLToPath(url));
    case 'memory': {
      const { host, path } = parts(url);
      if (host === '')
        throw new StoreUrlError(url, 'memory:// needs a store name, e.g. memory://lake/bronze');
      return prefixed(namedMemoryStore(host), path);
    }
    case 'az':
      return openAz(url, opts);
    case 'abfs':
    case 'abfss':
      return openAbfss(url, opts);
    default:
      throw new StoreUrlError(
        url,
        `unsupported scheme '${scheme}:' (file, memory, az, abfss, or a plain path)`,
      );
  }
}

function openAz(url: string, opts: OpenStoreOptions): ObjectStore {
  const { host: container, path } = parts(url);
  if (container === '')
    throw new StoreUrlError(url, 'az:// needs a container, e.g. az://lake/bronze/pos_events');
  let client: ContainerClient;
  if (opts.azureConnectionString !== undefined && opts.azureConnectionString !== '') {
    client = new ContainerClient(opts.azureConnectionString, container);
  } else if (opts.credential !== undefined && opts.azureAccountUrl !== undefined) {
    client = new ContainerClient(`${opts.azureAccountUrl.replace(/\/+$/, '')}/${container}`, opts.credential);
  } else {
    throw new StoreUrlError(
      url,
      'az:// needs a Blob connection string (pass AZURE_STORAGE_CONNECTION_STRING or AzureWebJobsStorage ' +
        'as azureConnectionString), or a credential with azureAccountUrl',
    );
  }
  return new AzureBlobStore({ container: client, prefix: path, description: url });
}

function openAbfss(url: string, opts: OpenStoreOptions): ObjectStore {
  const parsed = new URL(url);
  const container = decodeURIComponent(parsed.username);
  const match = /^([a-z0-9]+)\.dfs\.(.+)$/.exec(parsed.hostname);
  if (container === '' || match === null) {
    throw new StoreUrlError(url, 'expected abfss://<container>@<account>.dfs.core.windows.net/<path>');
  }
  const [, account, suffix] = match;
  if (opts.credential === undefined) {
    throw new StoreUrlError(
      url,
      'abfss:// needs a token credential (opts.credential): @azure/identity is not a dependency of this ' +
        'package, so create DefaultAzureCredential (or a managed identity credential) in the composition root',
    );
  }
  const blobUrl = `https://${account}.blob.${suffix}/${container}`;
  const client = new ContainerClient(blobUrl, opts.credential);
  return new AzureBlobStore({ container: client, prefix: parts(url).path, description: url });
}

/** Host and percent-decoded path (no surrounding slashes) of a non-special URL. */
function parts(url: string): { host: string; path: string } {
  const parsed = new URL(url);
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '');
  return { host: decodeURIComponent(parsed.host), path };
}
