/**
 * writeDataFiles groups rows by the serialized partition value: one file per partition, values that
 * serialize alike ('' and null for strings, 1 and 1n for longs) in the same file, first-seen order.
 */
import { describe, expect, test } from 'vitest';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { writeDataFiles } from '../../../shared/delta/write/data-file-writer.js';

const records = (stats: string | null | undefined) =>
  (JSON.parse(stats ?? '{}') as { numRecords: number }).numRecords;

describe('partition grouping', () => {
  test('one partition column: interleaved values, nulls and alike serializations', async () => {
    const schema = struct(field('id', 'integer'), field('region', 'string'));
    const adds = await writeDataFiles(new MemoryStore(), schema, ['region'], {
      id: [1, 2, 3, 4, 5, 6, 7],
      region: ['b', null, 'a', '', 'b', 'a', 'b'],
    });
    expect(adds.map((a) => [a.partitionValues, records(a.stats)])).toEqual([
      [{ region: 'b' }, 3],
      [{ region: null }, 2],
      [{ region: 'a' }, 2],
    ]);
    expect(
      adds.map((a) => (JSON.parse(a.stats ?? '{}') as { minValues: { id: number } }).minValues.id),
    ).toEqual([1, 2, 3]);
    expect(
      adds.map((a) => (JSON.parse(a.stats ?? '{}') as { maxValues: { id: number } }).maxValues.id),
    ).toEqual([7, 4, 6]);
  });

  test('a long partition column given as numbers and bigints lands in one file per value', async () => {
    const schema = struct(field('id', 'integer'), field('bucket', 'long'));
    const adds = await writeDataFiles(new MemoryStore(), schema, ['bucket'], {
      id: [1, 2, 3, 4],
      bucket: [1, 1n, 2n, 2],
    });
    expect(adds.map((a) => [a.partitionValues, records(a.stats)])).toEqual([
      [{ bucket: '1' }, 2],
      [{ bucket: '2' }, 2],
    ]);
  });

  test('two partition columns', async () => {
    const schema = struct(field('id', 'integer'), field('d', 'date'), field('s', 'string'));
    const adds = await writeDataFiles(new MemoryStore(), schema, ['d', 's'], {
      id: [1, 2, 3, 4],
      d: [0, 1, 0, 0],
      s: ['x', 'x', 'y', 'x'],
    });
    expect(adds.map((a) => [a.partitionValues, records(a.stats)])).toEqual([
      [{ d: '1970-01-01', s: 'x' }, 2],
      [{ d: '1970-01-02', s: 'x' }, 1],
      [{ d: '1970-01-01', s: 'y' }, 1],
    ]);
  });
});
