import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLocalLoader, type LocalLoadResult } from '../../../shared/batch-load/local-loader.js';
import {
  BATCH_QUARANTINE_TABLE,
  PRODUCTS_TABLE,
  SALES_HISTORY_TABLE,
  STORES_TABLE,
} from '../../../shared/batch-load/master-tables.js';
import { epochDay } from '../../../shared/batch-load/csv-values.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import {
  failOnce,
  memoryLanding,
  NOW_MS,
  racingViews,
  rowsOf,
  simulatedLanding,
  sortBy,
  versionOf,
} from './helpers.js';

const MICROS = BigInt(NOW_MS) * 1000n;
const load = (landing: ObjectStore, lake: ObjectStore, now = NOW_MS) =>
  runLocalLoader({ landing, lake, now: () => now });
const day = (text: string) => epochDay(text) as number;
const dataLines = (file: string) => fs.readFileSync(file, 'utf8').trimEnd().split('\n').length - 1;
const statuses = (r: LocalLoadResult) => Object.fromEntries(r.files.map((f) => [f.path, f.status]));

describe('local batch loader: simulated landing folder', () => {
  it('loads every row of stores, products and history into Bronze, typed exactly, with lineage', async () => {
    const dir = await simulatedLanding();
    const lake = new MemoryStore('lake');
    const result = await load(new LocalFsStore(dir), lake);

    const historyFiles = fs.readdirSync(path.join(dir, 'history')).sort();
    expect(historyFiles).toHaveLength(3);
    expect(statuses(result)).toEqual({
      'products.csv': 'loaded',
      'stores.csv': 'loaded',
      ...Object.fromEntries(historyFiles.map((f) => [`history/${f}`, 'loaded'])),
    });
    const historyRows = historyFiles.reduce((n, f) => n + dataLines(path.join(dir, 'history', f)), 0);
    expect(result.tables[STORES_TABLE]).toEqual({
      table: STORES_TABLE,
      rowsWritten: 3,
      filesLoaded: 1,
      version: 1,
      committed: true,
    });
    expect(result.tables[PRODUCTS_TABLE]).toMatchObject({ rowsWritten: 25, filesLoaded: 1, version: 1 });
    expect(result.tables[SALES_HISTORY_TABLE]).toMatchObject({
      rowsWritten: historyRows,
      filesLoaded: 3,
      version: 1,
    });
    // The quarantine commit carries the files' txns even when nothing was rejected.
    expect(result.tables[BATCH_QUARANTINE_TABLE]).toMatchObject({
      rowsWritten: 0,
      filesLoaded: 5,
      version: 1,
      committed: true,
    });

    const stores = sortBy(await rowsOf(lake, STORES_TABLE), (r) => String(r['store_id']));
    const firstLine = fs.readFileSync(path.join(dir, 'stores.csv'), 'utf8').split('\n')[1]?.split(',') ?? [];
    expect(stores).toHaveLength(3);
    expect(stores[0]).toEqual({
      store_id: firstLine[0],
      name: firstLine[1],
      city: firstLine[2],
      country: firstLine[3],
      time_zone: firstLine[4],
      currency: firstLine[5],
      open_hour: Number(firstLine[6]),
      close_hour: Number(firstLine[7]),
      registers: Number(firstLine[8]),
      tax_rate: BigInt((firstLine[9] ?? '').replace('.', '')),
      opened_date: day(firstLine[10] ?? ''),
      source_file: 'stores.csv',
      loaded_at: MICROS,
    });
    const history = await rowsOf(lake, SALES_HISTORY_TABLE);
    expect(history).toHaveLength(historyRows);
    expect(new Set(history.map((r) => r['source_file']))).toEqual(
      new Set(historyFiles.map((f) => `history/${f}`)),
    );
    for (const row of history) expect(typeof row['net_sales']).toBe('bigint');
    expect(await rowsOf(lake, BATCH_QUARANTINE_TABLE)).toEqual([]);
  });

  it('a second load of the same files lands nothing and commits nothing', async () => {
    const dir = await simulatedLanding();
    const lake = new MemoryStore('lake');
    await load(new LocalFsStore(dir), lake);
    const before = await lake.list('');
    const second = await load(new LocalFsStore(dir), lake, NOW_MS + 60_000);
    expect(new Set(second.files.map((f) => f.status))).toEqual(new Set(['unchanged']));
    for (const t of Object.values(second.tables))
      expect(t).toMatchObject({ committed: false, rowsWritten: 0, version: 1 });
    expect((await lake.list('')).map((m) => m.key)).toEqual(before.map((m) => m.key));
  });
});

const STORES_HEADER =
  'store_id,name,city,country,time_zone,currency,open_hour,close_hour,registers,tax_rate,opened_date';
const HISTORY_HEADER = 'business_date,store_id,sku,units,net_sales,receipts';

function malformedLanding(): MemoryStore {
  const utf8 = new TextEncoder();
  const badBytes = new Uint8Array([
    ...utf8.encode(`${HISTORY_HEADER}\n2026-11-21,S0001,SKU-`),
    0xff,
    ...utf8.encode('1,1,1.00,1\n2026-11-21,S0001,SKU-000002,1,2.00,1\n'),
  ]);
  return memoryLanding({
    'stores.csv': [
      STORES_HEADER,
      'S0001,"New York #1, Midtown",New York,US,America/New_York,USD,7,22,3,0.0888,2006-11-24',
      'S0002,Boston #1,Boston,US,Mars/Olympus,USD,9,21,3,0.0625,2022-05-28',
      ',Nameless,Chicago,US,America/Chicago,USD,7,23,4,0.1025,2020-10-02',
      'S0001,Dup,New York,US,America/New_York,USD,7,22,3,0.0888,2006-11-24',
      'S0004,Short,Row',
      'S0005,"Bad"quote,X,US,UTC,USD,7,22,3,0.0888,2020-01-01',
      '',
      'S0006,Tax,X,US,UTC,USD,7,22,3,0.08885,2020-01-01',
      'S0007,Hours,X,US,UTC,usd,25,22,3,0.1,2020-02-30',
      'S0008,,,,UTC,EUR,,,,,',
    ].join('\r\n'),
    'products.csv':
      'sku,name,category,brand,price,tax_exempt\nSKU-000001,Soap,Care,Acme,1.00,false\nSKU-000002,Milk,Dairy,Acme,2.00,true\n',
    'history/sales_daily_2026-11-20.csv': [
      HISTORY_HEADER,
      '2026-11-20,S0001,SKU-000001,3,10.47,2',
      '2026-11-21,S0001,SKU-000002,1,3.49,1',
      '2026-11-20,S0001,SKU-000003,1,1.234,1',
      '2026-11-20,S0001,SKU-000004,-2,-6.98,-1',
      '2026-11-20,S0001,SKU-000005,2,"1,000.00",1',
      '2026-11-20,S0001,SKU-000006,-2,-6.980,0',
      '',
    ].join('\n'),
    'history/sales_daily_2026-11-21.csv': badBytes,
    'history/notes.csv': 'anything\n',
    'manifest.json': '{}',
  });
}

describe('local batch loader: malformed input', () => {
  it('quarantines each bad row with a stable reason code and loads the good ones', async () => {
    const lake = new MemoryStore('lake');
    const result = await load(malformedLanding(), lake);
    expect(statuses(result)).toEqual({
      'history/notes.csv': 'ignored',
      'history/sales_daily_2026-11-20.csv': 'loaded',
      'history/sales_daily_2026-11-21.csv': 'loaded',
      'products.csv': 'loaded',
      'stores.csv': 'loaded',
    });

    const quarantine = sortBy(
      await rowsOf(lake, BATCH_QUARANTINE_TABLE),
      (r) => `${String(r['source_file'])}:${String(r['line_number']).padStart(4, '0')}`,
    );
    expect(
      quarantine.map((r) => [
        r['source_file'],
        Number(r['line_number']),
        r['target_table'],
        r['reason_code'],
      ]),
    ).toEqual([
      ['history/sales_daily_2026-11-20.csv', 3, SALES_HISTORY_TABLE, 'date_mismatch'],
      ['history/sales_daily_2026-11-20.csv', 4, SALES_HISTORY_TABLE, 'invalid_decimal'],
      ['history/sales_daily_2026-11-20.csv', 5, SALES_HISTORY_TABLE, 'out_of_range'],
      ['history/sales_daily_2026-11-20.csv', 6, SALES_HISTORY_TABLE, 'invalid_decimal'],
      ['history/sales_daily_2026-11-21.csv', 2, SALES_HISTORY_TABLE, 'invalid_encoding'],
      ['products.csv', 2, PRODUCTS_TABLE, 'header_invalid'],
      ['products.csv', 3, PRODUCTS_TABLE, 'header_invalid'],
      ['stores.csv', 3, STORES_TABLE, 'invalid_value'],
      ['stores.csv', 4, STORES_TABLE, 'missing_value'],
      ['stores.csv', 5, STORES_TABLE, 'duplicate_key'],
      ['stores.csv', 6, STORES_TABLE, 'field_count'],
      ['stores.csv', 7, STORES_TABLE, 'malformed_csv'],
      ['stores.csv', 8, STORES_TABLE, 'empty_record'],
      ['stores.csv', 9, STORES_TABLE, 'invalid_decimal'],
      ['stores.csv', 10, STORES_TABLE, 'invalid_value'],
    ]);
    const byLine = (file: string, line: number) =>
      quarantine.find((r) => r['source_file'] === file && r['line_number'] === BigInt(line));
    expect(byLine('stores.csv', 10)).toEqual({
      source_file: 'stores.csv',
      line_number: 10n,
      target_table: STORES_TABLE,
      reason_code: 'invalid_value',
      reason:
        'currency: "usd" is not a 3-letter ISO 4217 code; open_hour must be in 0..24; opened_date: "2020-02-30" is not a YYYY-MM-DD calendar date',
      raw_line: 'S0007,Hours,X,US,UTC,usd,25,22,3,0.1,2020-02-30',
      loaded_at: MICROS,
    });
    expect(byLine('products.csv', 2)?.['reason']).toBe(
      'header must be sku,name,category,brand,unit_price,tax_exempt: missing unit_price; unexpected "price"',
    );
    expect(byLine('history/sales_daily_2026-11-20.csv', 4)?.['reason']).toBe(
      'net_sales: 1.234 has more than 2 fraction digits',
    );

    expect(sortBy(await rowsOf(lake, STORES_TABLE), (r) => String(r['store_id']))).toEqual([
      {
        store_id: 'S0001',
        name: 'New York #1, Midtown',
        city: 'New York',
        country: 'US',
        time_zone: 'America/New_York',
        currency: 'USD',
        open_hour: 7,
        close_hour: 22,
        registers: 3,
        tax_rate: 888n,
        opened_date: day('2006-11-24'),
        source_file: 'stores.csv',
        loaded_at: MICROS,
      },
      {
        store_id: 'S0008',
        name: null,
        city: null,
        country: null,
        time_zone: 'UTC',
        currency: 'EUR',
        open_hour: null,
        close_hour: null,
        registers: null,
        tax_rate: null,
        opened_date: null,
        source_file: 'stores.csv',
        loaded_at: MICROS,
      },
    ]);
    expect(await rowsOf(lake, PRODUCTS_TABLE)).toEqual([]);
    expect(sortBy(await rowsOf(lake, SALES_HISTORY_TABLE), (r) => String(r['sku']))).toEqual([
      {
        business_date: day('2026-11-20'),
        store_id: 'S0001',
        sku: 'SKU-000001',
        units: 3n,
        net_sales: 1047n,
        receipts: 2n,
        source_file: 'history/sales_daily_2026-11-20.csv',
        loaded_at: MICROS,
      },
      {
        business_date: day('2026-11-21'),
        store_id: 'S0001',
        sku: 'SKU-000002',
        units: 1n,
        net_sales: 200n,
        receipts: 1n,
        source_file: 'history/sales_daily_2026-11-21.csv',
        loaded_at: MICROS,
      },
      {
        business_date: day('2026-11-20'),
        store_id: 'S0001',
        sku: 'SKU-000006',
        units: -2n,
        net_sales: -698n,
        receipts: 0n,
        source_file: 'history/sales_daily_2026-11-20.csv',
        loaded_at: MICROS,
      },
    ]);
    const fileOutcome = result.files.find((f) => f.path === 'history/sales_daily_2026-11-20.csv');
    expect(fileOutcome).toMatchObject({ rows: 2, quarantined: 4, table: SALES_HISTORY_TABLE });
  });

  it('an empty file is recorded as one header_invalid row', async () => {
    const lake = new MemoryStore('lake');
    await load(memoryLanding({ 'stores.csv': '' }), lake);
    expect(await rowsOf(lake, BATCH_QUARANTINE_TABLE)).toEqual([
      {
        source_file: 'stores.csv',
        line_number: 1n,
        target_table: STORES_TABLE,
        reason_code: 'header_invalid',
        reason: 'the file is empty',
        raw_line: '',
        loaded_at: MICROS,
      },
    ]);
  });
});

describe('local batch loader: idempotence', () => {
  it('a changed file is loaded again as a new snapshot; unchanged files are not', async () => {
    const landing = memoryLanding({
      'stores.csv': `${STORES_HEADER}\nS0001,A,B,US,UTC,USD,7,22,3,0.1000,2020-01-01\n`,
      'products.csv': 'sku,name,category,brand,unit_price,tax_exempt\nSKU-1,Soap,Care,Acme,1.00,false\n',
    });
    const lake = new MemoryStore('lake');
    await load(landing, lake);
    const original = await landing.get('products.csv');
    await landing.put(
      'products.csv',
      new TextEncoder().encode(
        'sku,name,category,brand,unit_price,tax_exempt\nSKU-1,Soap,Care,Acme,1.25,false\n',
      ),
    );

    const later = NOW_MS + 3_600_000;
    const second = await load(landing, lake, later);
    expect(statuses(second)).toEqual({ 'products.csv': 'loaded', 'stores.csv': 'unchanged' });
    expect(second.tables[STORES_TABLE]).toMatchObject({ committed: false, version: 1 });
    expect(second.tables[PRODUCTS_TABLE]).toMatchObject({ committed: true, version: 2, rowsWritten: 1 });
    const prices = sortBy(await rowsOf(lake, PRODUCTS_TABLE), (r) => String(r['loaded_at'])).map((r) => [
      r['unit_price'],
      r['loaded_at'],
    ]);
    expect(prices).toEqual([
      [100n, MICROS],
      [125n, BigInt(later) * 1000n],
    ]);

    // Back to the first bytes: loaded again, so the latest load matches the file as it is now.
    if (original) await landing.put('products.csv', original);
    const third = await load(landing, lake, later + 1000);
    expect(statuses(third)['products.csv']).toBe('loaded');
    expect((await rowsOf(lake, PRODUCTS_TABLE)).map((r) => r['unit_price']).sort()).toEqual([
      100n,
      100n,
      125n,
    ]);
    expect((await load(landing, lake, later + 2000)).files.every((f) => f.status === 'unchanged')).toBe(true);
  });

  it('a crash between the quarantine and the target commit: the rerun lands the rows once and the rejects once', async () => {
    const landing = memoryLanding({
      'stores.csv': `${STORES_HEADER}\nS0001,A,B,US,UTC,USD,7,22,3,0.1000,2020-01-01\nS0002,bad\n`,
    });
    const lake = new MemoryStore('lake');
    const crashing = failOnce(lake, `${STORES_TABLE}/_delta_log/00000000000000000001.json`);
    await expect(load(landing, crashing)).rejects.toThrow(/injected failure/);
    expect(await rowsOf(lake, BATCH_QUARANTINE_TABLE)).toHaveLength(1);
    expect(await rowsOf(lake, STORES_TABLE)).toHaveLength(0);

    const rerun = await load(landing, crashing);
    expect(rerun.tables[BATCH_QUARANTINE_TABLE]).toMatchObject({ committed: false, version: 1 });
    expect(rerun.tables[STORES_TABLE]).toMatchObject({ committed: true, rowsWritten: 1 });
    expect(rerun.files).toEqual([
      {
        path: 'stores.csv',
        status: 'loaded',
        table: STORES_TABLE,
        contentVersion: expect.any(Number) as number,
        rows: 1,
        quarantined: 0,
      },
    ]);
    expect((await rowsOf(lake, STORES_TABLE)).map((r) => r['store_id'])).toEqual(['S0001']);
    expect((await rowsOf(lake, BATCH_QUARANTINE_TABLE)).map((r) => r['reason_code'])).toEqual([
      'field_count',
    ]);
  });

  it('two loaders racing on the same snapshot land every file once', async () => {
    const dir = await simulatedLanding();
    const lake = new LocalFsStore(fs.mkdtempSync(path.join(path.dirname(dir), 'batch-lake-')));
    const [a, b] = racingViews(lake, 2) as [ObjectStore, ObjectStore];
    // Create the tables first so both loaders start from the same version 0.
    await load(memoryLanding({}), lake);
    const results = await Promise.all([load(new LocalFsStore(dir), a), load(new LocalFsStore(dir), b)]);

    const historyRows = fs
      .readdirSync(path.join(dir, 'history'))
      .reduce((n, f) => n + dataLines(path.join(dir, 'history', f)), 0);
    expect(await rowsOf(lake, STORES_TABLE)).toHaveLength(3);
    expect(await rowsOf(lake, PRODUCTS_TABLE)).toHaveLength(25);
    expect(await rowsOf(lake, SALES_HISTORY_TABLE)).toHaveLength(historyRows);
    for (const table of [STORES_TABLE, PRODUCTS_TABLE, SALES_HISTORY_TABLE, BATCH_QUARANTINE_TABLE])
      expect(await versionOf(lake, table)).toBe(1);
    // Each file: exactly one loader loaded it, the other saw the winner's txn.
    for (const file of results[0].files) {
      const other = results[1].files.find((f) => f.path === file.path);
      expect([file.status, other?.status].sort()).toEqual(['loaded', 'loaded_concurrently']);
    }
  });

  it('several concurrent loaders without coordination still land each row once', async () => {
    const dir = await simulatedLanding();
    const lake = new MemoryStore('lake');
    const results = await Promise.all([0, 1, 2, 3].map(() => load(new LocalFsStore(dir), lake)));
    const loaded = results
      .flatMap((r) => r.files.filter((f) => f.status === 'loaded').map((f) => f.path))
      .sort();
    expect(loaded).toEqual(results[0]?.files.map((f) => f.path).sort());
    expect(await rowsOf(lake, STORES_TABLE)).toHaveLength(3);
    expect(await rowsOf(lake, PRODUCTS_TABLE)).toHaveLength(25);
  });
});
