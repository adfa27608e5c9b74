/**
 * The Delta `txn` identity of one landing file's content: appId `batch-load:<path>` and, as version, the
 * first 48 bits of the content's SHA-256 (a non-negative safe integer).
 *
 * A file counts as loaded into a table iff the table's txn version for its appId equals the hash of
 * the bytes read now. The version is an identity, not a watermark: it is compared for equality, never
 * ordered. Two different contents of one path collide with probability 2^-48 per change.
 */
import { createHash } from 'node:crypto';

export const BATCH_LOAD_APP_PREFIX = 'batch-load:';

export function batchLoadAppId(path: string): string {
  return `${BATCH_LOAD_APP_PREFIX}${path}`;
}

export function contentVersion(bytes: Uint8Array): number {
  const digest = createHash('sha256').update(bytes).digest();
  return digest.readUIntBE(0, 6);
}
