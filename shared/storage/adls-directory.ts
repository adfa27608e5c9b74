/**
 * Recursive directory delete on an ADLS Gen2 account with hierarchical namespace (HNS), for VACUUM.
 *
 * Why it exists: on an HNS account, deleting every blob of a partition through the Blob endpoint still
 * leaves its (now empty) directories behind, and deleting N files costs N calls. One DFS
 * `Path - Delete?recursive=true` removes the directory and everything under it (the SDK follows the
 * service's continuation tokens until it is done).
 *
 * Invariant: only for HNS accounts, only for paths no Delta snapshot references (the caller decides).
 * Everything else goes through the Blob endpoint (`AzureBlobStore`), commits included.
 * Untested locally: Azurite has no DFS endpoint (Azure/Azurite#409, #553, #2625).
 */
import { DataLakeDirectoryClient } from '@azure/storage-file-datalake';
import type { TokenCredential } from './azure-blob-store.js';

export interface AdlsDirectory {
  /** e.g. 'mylake' for https://mylake.dfs.core.windows.net */
  account: string;
  /** The container (ADLS "file system"). */
  fileSystem: string;
  /** Directory path inside the file system, e.g. 'bronze/pos_events/ingest_date=2026-01-01'. */
  path: string;
}

/** Deletes the directory and its contents; `false` when it did not exist. */
export async function deleteAdlsDirectory(
  target: AdlsDirectory,
  credential: TokenCredential,
): Promise<boolean> {
  const path = target.path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
  if (path === '') throw new Error(`refusing to delete the root of file system ${target.fileSystem}`);
  const url = `https://${target.account}.dfs.core.windows.net/${target.fileSystem}/${path}`;
  const result = await new DataLakeDirectoryClient(url, credential).deleteIfExists(true);
  return result.succeeded;
}
