/**
 * A string value that begins with U+FEFF (a byte-order mark as content, e.g. an id pasted from a text
 * editor) reads back unchanged: from data files, from partition values in a checkpoint, and in the
 * footer statistics of foreign files. A default TextDecoder drops it, so "\uFEFF" read back as "".
 */
import { expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { appendBatch, createTable } from '../../../shared/delta/table.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { checkpointKey } from '../../../shared/delta/protocol/log-path.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';

const BOM = '\uFEFF';

test('values and partition values starting with U+FEFF survive data files and checkpoints', async () => {
  const store = new MemoryStore('bom');
  await createTable(store, {
    schema: struct(field('id', 'long'), field('name', 'string'), field('region', 'string')),
    partitionColumns: ['region'],
    configuration: { 'delta.checkpointInterval': '2' },
  });
  await appendBatch(store, {
    id: [1n, 2n],
    name: [BOM, `${BOM}zeta`],
    region: [`${BOM}north`, `${BOM}north`],
  });
  await appendBatch(store, { id: [3n], name: ['a'], region: ['south'] });
  expect(await store.head(checkpointKey(2))).toBeDefined();

  const snap = await loadSnapshot(store);
  expect(snap.segment.checkpointVersion).toBe(2);
  expect(snap.files.map((f) => f.partitionValues.region).sort()).toEqual(['south', `${BOM}north`]);
  const rows = (await scanAll(snap)).sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
  expect(rows).toEqual([
    { id: 1n, name: BOM, region: `${BOM}north` },
    { id: 2n, name: `${BOM}zeta`, region: `${BOM}north` },
    { id: 3n, name: 'a', region: 'south' },
  ]);
});
