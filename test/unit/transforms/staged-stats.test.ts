/**
 * Delta stats of DuckDB-written files: the footer path (row-group statistics combined per file) must
 * give exactly what reading the files back gives, for every column type the transforms write, with
 * several row groups per file, nulls and all-null columns.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DataType, StructField, StructType } from '../../../shared/delta/protocol/schema.js';
import { footerStatsOf } from '../../../shared/transforms/footer-stats.js';
import { footerStats, scannedStats } from '../../../shared/transforms/staged-stats.js';

const field = (name: string, type: DataType): StructField => ({ name, type, nullable: true, metadata: {} });
const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    field('id', 'string'),
    field('n_long', 'long'),
    field('n_int', 'integer'),
    field('amount', 'decimal(18,2)'),
    field('units', 'decimal(18,3)'),
    field('day', 'date'),
    field('at', 'timestamp'),
    field('flag', 'boolean'),
    field('nothing', 'string'),
  ],
};

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

it('footer stats equal the stats of the rows read back (several row groups, nulls, all-null column)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'staged-stats-'));
  const conn = await instance.connect();
  // 300k rows in 2 files of 3 row groups each (DuckDB's default row group is 122,880 rows); the extreme
  // values sit in different row groups so a wrong combination (first/last group only) shows.
  await conn.run(`COPY (
      SELECT printf('T%07d', (i * 7919) % 300000) AS id,
             CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 37) % 1000003 - 500000 END::BIGINT AS n_long,
             (i % 977 - 400)::INTEGER AS n_int,
             CAST(((i * 13) % 200001 - 100000) / 100 AS DECIMAL(18,2)) AS amount,
             CASE WHEN i % 5 = 0 THEN NULL ELSE CAST(i / 1000 AS DECIMAL(18,3)) END AS units,
             DATE '2026-01-01' + ((i * 31) % 400)::INTEGER AS day,
             TIMESTAMPTZ '2026-03-29 00:59:59.999999+00' + to_microseconds((i * 104729) % 86400000000) AS at,
             i % 3 = 0 AS flag,
             NULL::VARCHAR AS nothing,
             i % 2 AS part
      FROM range(0, 600000) r(i)
    ) TO '${dir}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (part))`);
  const paths: string[] = [];
  for (const sub of (await readdir(dir)).sort())
    for (const name of await readdir(join(dir, sub))) paths.push(join(dir, sub, name));
  expect(paths).toHaveLength(2);
  const groups = await conn.runAndReadAll(
    `SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${paths[0]}')`,
  );
  expect(Number(groups.getRows()[0]?.[0])).toBeGreaterThanOrEqual(3);

  const fromFooter = await footerStats(conn, paths, SCHEMA);
  const readBack = await scannedStats(conn, paths, SCHEMA);
  conn.closeSync();
  expect(fromFooter).toBeDefined();
  expect(fromFooter).toEqual(readBack);
  // The same footers parsed in this process (footer-stats.ts).
  expect(await footerStatsOf(paths, SCHEMA)).toEqual(readBack);
  expect(readBack[0]?.numRecords).toBe(300_000);
  expect(readBack[0]?.nullCount).toMatchObject({ n_long: 27_273, nothing: 300_000, flag: 0 });
});

it('declines (undefined) when a column type has no usable footer statistics', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'staged-stats-'));
  const conn = await instance.connect();
  const path = join(dir, 'f.parquet');
  await conn.run(`COPY (SELECT 1.5::DOUBLE AS ratio) TO '${path}' (FORMAT parquet)`);
  const schema: StructType = { type: 'struct', fields: [field('ratio', 'double')] };
  expect(await footerStats(conn, [path], schema)).toBeUndefined();
  expect(await footerStatsOf([path], schema)).toBeUndefined();
  expect(await scannedStats(conn, [path], schema)).toEqual([
    { numRecords: 1, minValues: { ratio: 1.5 }, maxValues: { ratio: 1.5 }, nullCount: { ratio: 0 } },
  ]);
  conn.closeSync();
});

it('parsed footers: decimals exact up to 2^50 unscaled, declined beyond; strings in code-point order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'staged-stats-'));
  const conn = await instance.connect();
  const schema: StructType = {
    type: 'struct',
    fields: [field('amount', 'decimal(18,2)'), field('units', 'decimal(18,3)'), field('name', 'string')],
  };
  const near = join(dir, 'near.parquet');
  // 2^50 - 1 = 1125899906842623 unscaled; U+1F600 sorts above U+FFFF in code points (not in UTF-16).
  await conn.run(`COPY (
      SELECT CAST(v AS DECIMAL(18,2)) AS amount, CAST(w AS DECIMAL(18,3)) AS units, s AS name
      FROM (VALUES (11258999068426.23, -1125899906842.623, 'z'), (-11258999068426.23, 0.001, '\u{1F600}'),
                   (0.01, 1125899906842.623, '\uFFFF')) t(v, w, s)
    ) TO '${near}' (FORMAT parquet)`);
  const parsed = await footerStatsOf([near], schema);
  expect(parsed).toEqual(await scannedStats(conn, [near], schema));
  expect(parsed?.[0]?.maxValues).toMatchObject({ name: '\u{1F600}' });
  // Row groups of 100k rows: U+1F600 is the max of the first, U+FFFF of the second; combining them
  // by UTF-16 order would pick U+FFFF.
  const groups = join(dir, 'groups.parquet');
  await conn.run(
    `COPY (SELECT CASE WHEN i = 10 THEN '\u{1F600}' WHEN i = 150000 THEN '\uFFFF' ELSE 'a' END AS name
           FROM range(0, 250000) r(i)) TO '${groups}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`,
  );
  const nameOnly: StructType = { type: 'struct', fields: [field('name', 'string')] };
  expect(await footerStatsOf([groups], nameOnly)).toEqual(await scannedStats(conn, [groups], nameOnly));
  const far = join(dir, 'far.parquet');
  await conn.run(
    `COPY (SELECT CAST(9999999999999999.99 AS DECIMAL(18,2)) AS amount, 1::DECIMAL(18,3) AS units, 'a' AS name) TO '${far}' (FORMAT parquet)`,
  );
  expect(await footerStatsOf([far], schema)).toBeUndefined();
  expect(await footerStats(conn, [far], schema)).toEqual(await scannedStats(conn, [far], schema));
  conn.closeSync();
});

it('parsed footers keep a leading U+FEFF in string min/max (a default TextDecoder drops it)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'staged-stats-'));
  const conn = await instance.connect();
  const path = join(dir, 'bom.parquet');
  // U+FEFF sorts above 'z': the max is '\uFEFFa'; read without its first character it would be 'a',
  // below 'z' — a max smaller than a value of the file, so data skipping would drop the file.
  await conn.run(
    `COPY (SELECT * FROM (VALUES ('z'), ('\uFEFFa'), ('b')) t(name)) TO '${path}' (FORMAT parquet)`,
  );
  const schema: StructType = { type: 'struct', fields: [field('name', 'string')] };
  const parsed = await footerStatsOf([path], schema);
  expect(parsed?.[0]?.maxValues).toEqual({ name: '\uFEFFa' });
  // DuckDB's own paths (footer metadata, read-back aggregate) agree: the Node client would drop the
  // U+FEFF of a VARCHAR, so they take strings as bytes.
  expect(await footerStats(conn, [path], schema)).toEqual(parsed);
  expect(await scannedStats(conn, [path], schema)).toEqual(parsed);
  conn.closeSync();
});
