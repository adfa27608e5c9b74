import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataType, StructField, StructType } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import { Duck, hyMetadata, hyRows, readPages } from './parquet-test-helpers.js';

/** The Delta checkpoint schema (PROTOCOL.md "Checkpoint Schema"), as a Delta StructType. */
const f = (name: string, type: DataType, nullable = true): StructField => ({
  name,
  type,
  nullable,
  metadata: {},
});
const strMap: DataType = { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true };
const strArr: DataType = { type: 'array', elementType: 'string', containsNull: false };
const st = (...fields: StructField[]): StructType => ({ type: 'struct', fields });

const CHECKPOINT: StructType = st(
  f('txn', st(f('appId', 'string'), f('version', 'long'), f('lastUpdated', 'long'))),
  f(
    'add',
    st(
      f('path', 'string'),
      f('partitionValues', strMap),
      f('size', 'long'),
      f('modificationTime', 'long'),
      f('dataChange', 'boolean'),
      f('tags', strMap),
      f('stats', 'string'),
    ),
  ),
  f(
    'remove',
    st(
      f('path', 'string'),
      f('deletionTimestamp', 'long'),
      f('dataChange', 'boolean'),
      f('extendedFileMetadata', 'boolean'),
      f('partitionValues', strMap),
      f('size', 'long'),
      f('tags', strMap),
    ),
  ),
  f(
    'metaData',
    st(
      f('id', 'string'),
      f('name', 'string'),
      f('description', 'string'),
      f('format', st(f('provider', 'string'), f('options', strMap))),
      f('schemaString', 'string'),
      f('partitionColumns', strArr),
      f('configuration', strMap),
      f('createdTime', 'long'),
    ),
  ),
  f(
    'protocol',
    st(
      f('minReaderVersion', 'integer'),
      f('minWriterVersion', 'integer'),
      f('readerFeatures', strArr),
      f('writerFeatures', strArr),
    ),
  ),
);

type Row = Record<string, unknown>;

function checkpointRows(numAdds: number): Row[] {
  const rows: Row[] = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2, readerFeatures: null, writerFeatures: null } },
    {
      metaData: {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        name: null,
        description: null,
        format: { provider: 'parquet', options: {} },
        schemaString: '{"type":"struct","fields":[]}',
        partitionColumns: ['ingest_date'],
        configuration: new Map([['delta.checkpointInterval', '10']]),
        createdTime: 1764000000000n,
      },
    },
    { txn: { appId: 'ingest-p0', version: 41n, lastUpdated: 1764000000123n } },
    { txn: { appId: 'ingest-p1', version: 7n, lastUpdated: null } },
  ];
  for (let i = 0; i < numAdds; i++) {
    rows.push({
      add: {
        path: `ingest_date=2026-11-${String(1 + (i % 28)).padStart(2, '0')}/part-${i}.snappy.parquet`,
        partitionValues: { ingest_date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` },
        size: BigInt(1000 + i),
        modificationTime: 1764000000000n + BigInt(i),
        dataChange: false,
        tags: i % 3 === 0 ? { INSERTION_TIME: String(i) } : null,
        stats: JSON.stringify({
          numRecords: i,
          minValues: { event_id: `e${'x'.repeat(100)}${i}` },
          nullCount: { event_id: 0 },
        }),
      },
    });
  }
  rows.push({
    remove: {
      path: 'ingest_date=2026-10-01/old.parquet',
      deletionTimestamp: 1764000000999n,
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: { ingest_date: null },
      size: 12n,
      tags: null,
    },
  });
  rows.push({
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['timestampNtz'],
      writerFeatures: [],
    },
  });
  return rows;
}

const toColumns = (rows: Row[]): unknown[][] =>
  CHECKPOINT.fields.map((fl) => rows.map((r) => r[fl.name] ?? null));

describe('writeParquet: Delta checkpoint schema (one action struct per row)', () => {
  const rows = checkpointRows(5);
  const bytes = writeParquet(CHECKPOINT, toColumns(rows));
  let duck: Duck;
  let path: string;
  beforeAll(async () => {
    duck = await Duck.open();
    path = duck.file(bytes);
  });
  afterAll(() => duck.close());

  it('DuckDB sees exactly one non-null action per row, with the right values', async () => {
    const counts = await duck.rows(`
      SELECT count(*)::INTEGER AS n, count(add)::INTEGER AS adds, count(remove)::INTEGER AS removes,
             count(txn)::INTEGER AS txns, count(metaData)::INTEGER AS metas, count(protocol)::INTEGER AS protocols,
             count(*) FILTER (WHERE (add IS NOT NULL)::INT + (remove IS NOT NULL)::INT + (txn IS NOT NULL)::INT
                              + (metaData IS NOT NULL)::INT + (protocol IS NOT NULL)::INT <> 1)::INTEGER AS bad
      FROM read_parquet('${path}')`);
    expect(counts[0]).toEqual({ n: 11, adds: 5, removes: 1, txns: 2, metas: 1, protocols: 2, bad: 0 });

    const adds = await duck.rows(`
      SELECT add.path AS path, add.partitionValues['ingest_date'] AS d, add.size::VARCHAR AS size,
             add.dataChange AS dc, to_json(add.tags) AS tags, json_extract(add.stats, '$.numRecords')::INT AS n
      FROM read_parquet('${path}') WHERE add IS NOT NULL ORDER BY add.size`);
    expect(adds.map((a) => a['path'])).toEqual(
      rows.filter((r) => r['add']).map((r) => (r['add'] as Row)['path']),
    );
    expect(adds.map((a) => a['d'])).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
    ]);
    expect(adds.map((a) => a['size'])).toEqual(['1000', '1001', '1002', '1003', '1004']);
    expect(adds.map((a) => a['dc'])).toEqual([false, false, false, false, false]);
    expect(adds.map((a) => a['tags'])).toEqual([
      '{"INSERTION_TIME":"0"}',
      null,
      null,
      '{"INSERTION_TIME":"3"}',
      null,
    ]);
    expect(adds.map((a) => a['n'])).toEqual([0, 1, 2, 3, 4]);

    const meta = await duck.rows(`
      SELECT metaData.format.provider AS provider, to_json(metaData.format.options) AS options,
             to_json(metaData.partitionColumns) AS pcols, to_json(metaData.configuration) AS conf,
             metaData.createdTime::VARCHAR AS created, metaData.name AS name
      FROM read_parquet('${path}') WHERE metaData IS NOT NULL`);
    expect(meta).toEqual([
      {
        provider: 'parquet',
        options: '{}',
        pcols: '["ingest_date"]',
        conf: '{"delta.checkpointInterval":"10"}',
        created: '1764000000000',
        name: null,
      },
    ]);

    const protocols = await duck.rows(`
      SELECT protocol.minReaderVersion AS r, protocol.minWriterVersion AS w,
             to_json(protocol.readerFeatures) AS rf, to_json(protocol.writerFeatures) AS wf
      FROM read_parquet('${path}') WHERE protocol IS NOT NULL ORDER BY r`);
    expect(protocols).toEqual([
      { r: 1, w: 2, rf: null, wf: null },
      { r: 3, w: 7, rf: '["timestampNtz"]', wf: '[]' },
    ]);

    const rem = await duck.rows(`
      SELECT remove.path AS p, to_json(remove.partitionValues) AS pv, remove.extendedFileMetadata AS e
      FROM read_parquet('${path}') WHERE remove IS NOT NULL`);
    expect(rem).toEqual([{ p: 'ingest_date=2026-10-01/old.parquet', pv: '{"ingest_date":null}', e: true }]);

    const txns = await duck.rows(`
      SELECT txn.appId AS a, txn.version::VARCHAR AS v, txn.lastUpdated::VARCHAR AS u
      FROM read_parquet('${path}') WHERE txn IS NOT NULL ORDER BY a`);
    expect(txns).toEqual([
      { a: 'ingest-p0', v: '41', u: '1764000000123' },
      { a: 'ingest-p1', v: '7', u: null },
    ]);
  });

  it('hyparquet reassembles the same rows', async () => {
    const got = await hyRows(bytes);
    expect(got).toHaveLength(rows.length);
    got.forEach((r, i) => {
      const present = Object.entries(r)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k]) => k);
      expect(present).toEqual(Object.keys(rows[i] as Row));
    });
    expect(got[1]?.['metaData']).toEqual({
      id: 'c0ffee00-0000-4000-8000-000000000001',
      name: null,
      description: null,
      format: { provider: 'parquet', options: {} },
      schemaString: '{"type":"struct","fields":[]}',
      partitionColumns: ['ingest_date'],
      configuration: { 'delta.checkpointInterval': '10' },
      createdTime: 1764000000000n,
    });
    expect(got[4]?.['add']).toMatchObject({
      partitionValues: { ingest_date: '2026-11-01' },
      tags: { INSERTION_TIME: '0' },
      size: 1000n,
    });
  });

  it('splits large nested column chunks into several pages without losing rows', async () => {
    const many = checkpointRows(30_000);
    const big = writeParquet(CHECKPOINT, toColumns(many), { rowGroupRows: 1 << 20 });
    const meta = hyMetadata(big);
    const chunks = meta.row_groups[0]?.columns ?? [];
    const stats = chunks.find((c) => c.meta_data?.path_in_schema.join('.') === 'add.stats')?.meta_data;
    const pv = chunks.find(
      (c) => c.meta_data?.path_in_schema.join('.') === 'add.partitionValues.key_value.value',
    )?.meta_data;
    if (!stats || !pv) throw new Error('columns missing');
    const statsPages = readPages(
      big,
      Number(stats.dictionary_page_offset ?? stats.data_page_offset),
      Number(stats.total_compressed_size),
    );
    expect(statsPages.filter((p) => p.type === 0).length).toBeGreaterThan(1);
    // Row counts survive the page splits: DuckDB must see every add with its partition value.
    const p = duck.file(big);
    const r = await duck.rows(`
      SELECT count(add)::INTEGER AS adds, count(DISTINCT add.partitionValues['ingest_date'])::INTEGER AS days,
             sum(json_extract(add.stats, '$.numRecords')::BIGINT)::VARCHAR AS total
      FROM read_parquet('${p}')`);
    expect(r[0]).toEqual({ adds: 30_000, days: 28, total: String((29_999 * 30_000) / 2) });
    expect(Number(pv.num_values)).toBe(many.length); // one level per row: 30k adds + others (null map)
    const back = await hyRows(big);
    expect(back.filter((x) => x['add']).map((x) => (x['add'] as Row)['size'])).toEqual(
      Array.from({ length: 30_000 }, (_, i) => BigInt(1000 + i)),
    );
  });
});
