/**
 * A tiny Silver-like lake for the retail rule pack: silver/transactions, silver/sales_lines,
 * silver/tenders (column names per the Silver contract, issue 5) and bronze/stores,
 * bronze/sales_history (shared/batch-load/master-tables.ts). Each rule has deliberate violations,
 * listed in RETAIL_EXPECTED.
 */
import { STORES_SCHEMA, SALES_HISTORY_SCHEMA } from '../../../shared/batch-load/master-tables.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { buildTable, cents, days, micros, type FixtureRow } from './dq-fixtures.js';

export const TRANSACTIONS_SCHEMA = struct(
  field('transaction_id', 'string'),
  field('event_type', 'string'),
  field('store_id', 'string'),
  field('occurred_at', 'timestamp'),
  field('business_date', 'date'),
  field('subtotal', 'decimal(18,2)'),
  field('tax', 'decimal(18,2)'),
  field('total', 'decimal(18,2)'),
  field('original_transaction_id', 'string'),
  field('is_voided', 'boolean'),
);
export const LINES_SCHEMA = struct(field('transaction_id', 'string'), field('line_no', 'integer'), field('sku', 'string'), field('line_total', 'decimal(18,2)'));
export const TENDERS_SCHEMA = struct(field('transaction_id', 'string'), field('method', 'string'), field('amount', 'decimal(18,2)'));

type Txn = [id: string, type: string, store: string | null, at: string, day: string, sub: number, tax: number, total: number, orig: string | null, lines: number[], tenders: number[]];

export const TXNS: Txn[] = [
  ['T1', 'sale', 'S0001', '2024-07-01T14:00:00Z', '2024-07-01', 10, 0.8, 10.8, null, [6, 4], [10.8]],
  ['T2', 'sale', 'S0001', '2024-07-01T15:00:00Z', '2024-07-01', 5, 0.4, 5.41, null, [5], [5.41]],
  ['T3', 'sale', 'S0001', '2024-07-01T16:00:00Z', '2024-07-01', 7, 0.5, 7.6, null, [7], [7.6]],
  ['T4', 'sale', 'S0001', '2024-07-01T17:00:00Z', '2024-07-01', 9, 0, 9, null, [4, 4], [9]],
  ['T5', 'sale', 'S0001', '2024-07-01T03:00:00Z', '2024-06-30', 1, 0, 1, null, [1], [1]],
  ['T6', 'sale', 'S0002', '2024-07-01T10:00:00Z', '2024-07-01', 20, 4, 24, null, [20], [20, 3]],
  ['T7', 'refund', 'S0002', '2024-07-01T11:00:00Z', '2024-07-01', 10, 2, 12, 'T6', [10], [12]],
  ['T8', 'refund', 'S0002', '2024-07-01T11:30:00Z', '2024-07-01', 12.5, 2.5, 15, 'T6', [12.5], [15]],
  ['T9', 'refund', 'S0002', '2024-07-01T12:00:00Z', '2024-07-01', 1, 0, 1, 'NOPE', [1], [1]],
  ['T10', 'sale', 'S0009', '2024-07-01T13:00:00Z', '2024-07-01', 2, 0, 2, null, [2], [2]],
];

/** Per retail expectation type: [considered rows, unexpected rows]. */
export const RETAIL_EXPECTED: Record<string, [number, number]> = {
  expect_basket_line_totals_to_sum_to_subtotal: [10, 1], // T4
  expect_basket_total_to_equal_subtotal_plus_tax: [10, 1], // T3 (T2 is off by exactly one cent: accepted)
  expect_tenders_to_reconcile_with_total: [10, 1], // T6
  expect_refunds_to_reference_existing_sale: [3, 3], // T7+T8 refund 27 of a 24 sale; T9 has no sale
  expect_transactions_within_trading_hours: [10, 2], // T5 at 23:00 New York; T10 unknown store
  expect_store_events_to_be_fresh: [2, 1], // as of 17:00Z: S0002 (Paris, open) silent since 12:00Z; S0003 (Tokyo) closed
  expect_daily_streamed_total_to_match_history: [4, 2], // S0002 and S0003 on 2024-07-01
};

export function transactionRows(list: Txn[] = TXNS): FixtureRow[] {
  return list.map(([id, type, store, at, day, sub, tax, total, orig]) => ({
    transaction_id: id,
    event_type: type,
    store_id: store,
    occurred_at: micros(at),
    business_date: days(day),
    subtotal: cents(sub),
    tax: cents(tax),
    total: cents(total),
    original_transaction_id: orig,
    is_voided: false,
  }));
}

const loadedAt = micros('2024-06-01T00:00:00Z');
const store = (id: string, tz: string, open: number, close: number): FixtureRow => ({
  store_id: id,
  name: id,
  city: null,
  country: null,
  time_zone: tz,
  currency: 'USD',
  open_hour: open,
  close_hour: close,
  registers: 4,
  tax_rate: null,
  opened_date: null,
  source_file: 'stores.csv',
  loaded_at: loadedAt,
});
const history = (id: string, day: string, net: number): FixtureRow => ({
  business_date: days(day),
  store_id: id,
  sku: 'ALL',
  units: 1n,
  net_sales: cents(net),
  receipts: 1n,
  source_file: 'history.csv',
  loaded_at: loadedAt,
});

/** Writes the lake under `root`; returns its store. */
export async function buildRetailLake(root: string, list: Txn[] = TXNS): Promise<LocalFsStore> {
  const lake = new LocalFsStore(root);
  await buildTable(prefixed(lake, 'silver/transactions'), TRANSACTIONS_SCHEMA, [transactionRows(list.slice(0, 5)), transactionRows(list.slice(5))]);
  await buildTable(
    prefixed(lake, 'silver/sales_lines'),
    LINES_SCHEMA,
    [list.flatMap(([id, , , , , , , , , lines]) => lines.map((t, i) => ({ transaction_id: id, line_no: i + 1, sku: `SKU-${i}`, line_total: cents(t) })))],
  );
  await buildTable(
    prefixed(lake, 'silver/tenders'),
    TENDERS_SCHEMA,
    [list.flatMap(([id, , , , , , , , , , tenders]) => tenders.map((a) => ({ transaction_id: id, method: 'card', amount: cents(a) })))],
  );
  // An older stores snapshot with a wrong zone proves the latest row per store wins.
  await buildTable(prefixed(lake, 'bronze/stores'), STORES_SCHEMA, [
    [{ ...store('S0001', 'Asia/Tokyo', 0, 1), loaded_at: micros('2024-01-01T00:00:00Z') }],
    [store('S0001', 'America/New_York', 8, 22), store('S0002', 'Europe/Paris', 9, 20), store('S0003', 'Asia/Tokyo', 9, 18)],
  ]);
  await buildTable(
    prefixed(lake, 'bronze/sales_history'),
    SALES_HISTORY_SCHEMA,
    [[history('S0001', '2024-07-01', 31), history('S0001', '2024-06-30', 1), history('S0002', '2024-07-01', 10), history('S0003', '2024-07-01', 5), history('S0001', '2024-06-01', 99)]],
    ['business_date'],
  );
  return lake;
}
