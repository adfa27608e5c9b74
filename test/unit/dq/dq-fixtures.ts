/** Builds small Delta tables for DQ tests and validates suites over them. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StructType } from '../../../shared/delta/protocol/schema.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { appendBatch, createTable } from '../../../shared/delta/table.js';

export type FixtureRow = Record<string, unknown>;

export function tempDir(prefix = 'dq-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Creates the table and appends `batches` (each a list of rows, one commit each). */
export async function buildTable(
  store: ObjectStore,
  schema: StructType,
  batches: FixtureRow[][],
  partitionColumns: string[] = [],
): Promise<ObjectStore> {
  await createTable(store, { schema, partitionColumns });
  for (const rows of batches) {
    if (rows.length === 0) continue;
    const batch: Record<string, unknown[]> = {};
    for (const f of schema.fields) batch[f.name] = rows.map((r) => r[f.name] ?? null);
    const r = await appendBatch(store, batch);
    if (r.kind !== 'committed') throw new Error('fixture append failed');
  }
  return store;
}

export function localTable(root: string, name: string): LocalFsStore {
  return new LocalFsStore(join(root, ...name.split('/')));
}

/** Money in the value model: unscaled cents as bigint. */
export const cents = (v: number): bigint => BigInt(Math.round(v * 100));
/** Timestamp in the value model: microseconds since the epoch. */
export const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
/** Date in the value model: days since the epoch. */
export const days = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
