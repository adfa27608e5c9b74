/**
 * writeOutput on its own: DuckDB's Parquet files committed as whole-partition rewrites, with Delta
 * stats taken from the footers or, for column types whose footer statistics are not used (double),
 * computed by reading the staged files back.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StructType } from '../../../shared/delta/protocol/schema.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { createTable } from '../../../shared/delta/table.js';
import { writeOutput } from '../../../shared/transforms/write-output.js';
import { tableObjects } from './fixtures.js';

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'store_id', type: 'string', nullable: false, metadata: {} },
    { name: 'ratio', type: 'double', nullable: true, metadata: {} },
    { name: 'units', type: 'decimal(18,3)', nullable: true, metadata: {} },
    { name: 'business_date', type: 'date', nullable: false, metadata: {} },
  ],
};

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

it('commits whole partitions with exact per-file stats, also for double columns (stats read back)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'write-output-'));
  const lake = new LocalFsStore(root);
  const table = new LocalFsStore(join(root, 'gold', 't'));
  const created = await createTable(table, { schema: SCHEMA, partitionColumns: ['business_date'] });
  const conn = await instance.connect();
  await conn.run(`CREATE TEMP TABLE rel AS
    SELECT 'S' || (i % 4) AS store_id, CASE WHEN i % 7 = 0 THEN NULL ELSE i / 8.0 END::DOUBLE AS ratio,
           CAST(i / 1000 AS DECIMAL(18,3)) AS units, DATE '2026-11-01' + (i % 3)::INTEGER AS business_date
    FROM range(1, 2001) r(i)`);
  const staging = join(root, 'staging');
  const first = await writeOutput(
    conn,
    'rel',
    created.snapshot,
    { replace: 'all', predicate: 'true' },
    staging,
    1,
    {},
    table.root,
  );
  expect(first).toMatchObject({ version: 1, rows: 2000, filesRemoved: 0 });
  expect(first.filesAdded).toBeGreaterThanOrEqual(3);

  // Rewrite one date: its files are replaced, the other dates keep theirs.
  await conn.run(
    `CREATE TEMP TABLE rel2 AS SELECT 'S9' AS store_id, 0.5::DOUBLE AS ratio, 1.000::DECIMAL(18,3) AS units, DATE '2026-11-02' AS business_date`,
  );
  const before = await loadSnapshot(table);
  const second = await writeOutput(
    conn,
    'rel2',
    before,
    { replace: new Set(['2026-11-02']), predicate: "business_date = '2026-11-02'" },
    staging,
    2,
    {},
    table.root,
  );
  conn.closeSync();
  expect(second).toMatchObject({ version: 2, rows: 1, filesAdded: 1 });

  const after = await loadSnapshot(table);
  const rows = await tableObjects(lake, 'gold/t', ['store_id', 'ratio', 'business_date']);
  expect(rows.filter((r) => r.business_date === '2026-11-02')).toEqual([
    { store_id: 'S9', ratio: 0.5, business_date: '2026-11-02' },
  ]);
  expect(rows.length).toBe(1 + 2000 - 667);

  // Stats of every file: row count, min/max and null count as the rows of that file say.
  for (const add of after.files) {
    const stats = JSON.parse(add.stats ?? '{}') as {
      numRecords: number;
      minValues: Record<string, unknown>;
      maxValues: Record<string, unknown>;
      nullCount: Record<string, number>;
    };
    const date = add.partitionValues.business_date;
    const mine = rows.filter((r) => r.business_date === date);
    expect(stats.numRecords).toBe(mine.length);
    const ratios = mine.map((r) => r.ratio).filter((x): x is number => typeof x === 'number');
    expect(stats.minValues.ratio).toBe(Math.min(...ratios));
    expect(stats.maxValues.ratio).toBe(Math.max(...ratios));
    expect(stats.nullCount.ratio).toBe(mine.length - ratios.length);
    expect(stats.minValues.store_id).toBe(mine.map((r) => r.store_id as string).sort()[0]);
  }
});
