/** Small builders shared by Delta unit tests. */
import type { Add } from '../../shared/delta/protocol/actions.js';
import { field, struct } from '../../shared/delta/protocol/schema.js';
import type { StructType } from '../../shared/delta/protocol/schema.js';

export const SIMPLE_SCHEMA: StructType = struct(field('id', 'long'), field('store_id', 'string'), field('day', 'date'));

/** An add for a file that need not exist (log-level tests). */
export function fakeAdd(path: string, partitionValues: Record<string, string | null> = {}, dataChange = true): Add {
  return { path, partitionValues, size: 100, modificationTime: 1, dataChange, stats: '{"numRecords":1}' };
}
