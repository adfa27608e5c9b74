import { expect, test } from 'vitest';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { appendBatch, createTable } from '../../../shared/delta/table.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { runMaintenance, MAINTENANCE_RUNS_TABLE } from '../../../shared/maintenance/run-maintenance.js';

const SCHEMA = struct(
  field('store_id', 'string'),
  field('occurred_at', 'timestamp'),
  field('ingest_date', 'date'),
);

test('compacts changed tables, skips unchanged ones, reports missing ones, and records metrics rows', async () => {
  const lake = new MemoryStore('lake');
  const bronze = prefixed(lake, 'bronze/pos_events');
  await createTable(bronze, { schema: SCHEMA, partitionColumns: ['ingest_date'] });
  for (let i = 0; i < 6; i++)
    await appendBatch(bronze, { store_id: [`S${i}`], occurred_at: [BigInt(i)], ingest_date: [20_000] });
  const tables = [
    { table: 'bronze/pos_events', targetFileSize: 1 << 20, clusterBy: ['store_id'] },
    { table: 'bronze/not_there', targetFileSize: 1 << 20, clusterBy: [] },
  ];
  const first = await runMaintenance(lake, { job: 'compact', tables });
  expect(first.outcomes.map((o) => o.status)).toEqual(['done', 'missing']);
  expect(first.outcomes[0]?.metrics).toMatchObject({ files_before: 6, files_after: 1, commits: 1 });
  expect((await loadSnapshot(bronze)).files).toHaveLength(1);

  const second = await runMaintenance(lake, { job: 'compact', tables });
  expect(second.outcomes[0]?.status).toBe('skipped');

  await appendBatch(bronze, { store_id: ['S9'], occurred_at: [9n], ingest_date: [20_000] });
  const third = await runMaintenance(lake, { job: 'compact', tables });
  expect(third.outcomes[0]?.status).toBe('done');

  const rows = await scanAll(await loadSnapshot(prefixed(lake, MAINTENANCE_RUNS_TABLE)));
  expect(rows.map((r) => r.status)).toEqual(['done', 'skipped', 'done']);
  expect(rows.every((r) => r.table_name === 'bronze/pos_events' && r.job === 'compact')).toBe(true);

  const vac = await runMaintenance(lake, { job: 'checkpoint-vacuum', tables: [tables[0]!] });
  expect(vac.outcomes[0]).toMatchObject({ status: 'done' });
  expect(vac.outcomes[0]?.detail).toMatch(/^checkpoint \d+/);
});
