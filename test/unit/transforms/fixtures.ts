/**
 * Tiny lakes for the transform tests: Bronze rows built from compact receipt specs (the payload is
 * the POS event v1 JSON, money alternately as numbers and decimal strings), master data and sales
 * history written with our Delta library, and whole-table reads in the scan JSON format.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { rowToJson } from '../../../shared/delta/read/json-rows.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { appendBatch, createTable } from '../../../shared/delta/table.js';
import type { StructType } from '../../../shared/delta/protocol/schema.js';
import { BRONZE_SCHEMA, BRONZE_TABLE, PARTITION_COLUMNS } from '../../../shared/ingest/bronze-tables.js';
import {
  MASTER_PARTITIONS,
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from '../../../shared/batch-load/master-tables.js';

export const HMAC_KEY = 'test-key-not-a-secret';

export interface Receipt {
  txn: string;
  type?: 'sale' | 'refund' | 'void';
  store?: string;
  /** ISO-8601 instant. */
  at: string;
  /** [sku, quantity, unit price in cents, discount in cents] */
  lines?: [string, number, number, number?][];
  taxCents?: number;
  tenders?: [string, number][];
  customer?: string | null;
  original?: string | null;
  eventId?: string;
  /** Ingest instant (default: `at` + 1 s). */
  ingestAt?: string;
  seq?: number;
}

export async function tempLake(): Promise<LocalFsStore> {
  return new LocalFsStore(await mkdtemp(join(tmpdir(), 'transform-test-')));
}

export function micros(iso: string): bigint {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return BigInt(ms) * 1000n;
}

function money(cents: number, asString: boolean): number | string {
  const text = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
  return asString ? text : Number(text);
}

let counter = 0;

/** The Bronze row (value model) of one receipt, as the ingest would land it. */
export function bronzeRow(r: Receipt): Record<string, unknown> {
  const asString = counter++ % 2 === 0;
  const lines = (r.lines ?? []).map(([sku, quantity, unitPrice, discount = 0], i) => ({
    lineNo: i + 1,
    sku,
    quantity,
    unitPrice: money(unitPrice, asString),
    discount: money(discount, asString),
    lineTotal: money(Math.round(quantity * unitPrice) - discount, asString),
    cents: Math.round(quantity * unitPrice) - discount,
  }));
  const subtotal = lines.reduce((s, l) => s + l.cents, 0);
  const tax = r.taxCents ?? 0;
  const total = subtotal + tax;
  const tenders = r.tenders ?? [['card', total]];
  const eventId = r.eventId ?? randomUUID();
  const payload = {
    schemaVersion: 1,
    eventId,
    eventType: r.type ?? 'sale',
    transactionId: r.txn,
    storeId: r.store ?? 'S1',
    registerId: 'R01',
    cashierId: 'E001',
    occurredAt: r.at,
    currency: 'USD',
    lines: lines.map(({ cents: _c, ...l }) => l),
    tenders: tenders.map(([method, amount]) => ({ method, amount: money(amount, asString) })),
    subtotal: money(subtotal, asString),
    tax: money(tax, asString),
    total: money(total, asString),
    customerId: r.customer ?? null,
    loyaltyPoints: 0,
    originalTransactionId: r.original ?? null,
  };
  const ingest = micros(r.ingestAt ?? new Date(Date.parse(r.at) + 1000).toISOString());
  return {
    event_id: eventId,
    event_type: payload.eventType,
    schema_version: 1,
    transaction_id: r.txn,
    original_transaction_id: r.original ?? null,
    store_id: payload.storeId,
    register_id: 'R01',
    cashier_id: 'E001',
    customer_id: r.customer ?? null,
    occurred_at: micros(r.at),
    currency: 'USD',
    line_count: lines.length,
    subtotal: BigInt(subtotal),
    tax: BigInt(tax),
    total: BigInt(total),
    loyalty_points: 0n,
    raw_payload: JSON.stringify(payload),
    source: 'http',
    stream_id: null,
    eh_partition: null,
    eh_offset: null,
    eh_sequence_number: r.seq === undefined ? null : BigInt(r.seq),
    eh_enqueued_time: null,
    eh_partition_key: null,
    request_id: null,
    ingest_time: ingest,
    ingest_date: Number(ingest / 86_400_000_000n),
  };
}

/** Appends rows (value model) to a table, creating it first if needed; one commit. */
export async function appendRows(lake: ObjectStore, table: string, schema: StructType, partitionColumns: string[], rows: Record<string, unknown>[]): Promise<number> {
  const store = prefixed(lake, table);
  await createTable(store, { schema, partitionColumns });
  const batch: Record<string, unknown[]> = {};
  for (const f of schema.fields) batch[f.name] = rows.map((r) => r[f.name] ?? null);
  const result = await appendBatch(store, batch);
  if (result.kind !== 'committed') throw new Error('append conflict');
  return result.version;
}

export function landReceipts(lake: ObjectStore, receipts: Receipt[]): Promise<number> {
  return appendRows(lake, BRONZE_TABLE, BRONZE_SCHEMA, PARTITION_COLUMNS, receipts.map(bronzeRow));
}

/** Stores as [id, IANA zone]. */
export function loadStores(lake: ObjectStore, stores: [string, string][], loadedAt = '2026-01-01T00:00:00Z'): Promise<number> {
  const rows = stores.map(([id, tz]) => ({ store_id: id, name: id, city: 'X', country: 'US', time_zone: tz, currency: 'USD', open_hour: 7, close_hour: 22, registers: 2, tax_rate: 800n, opened_date: 0, source_file: 'stores.csv', loaded_at: micros(loadedAt) }));
  return appendRows(lake, STORES_TABLE, STORES_SCHEMA, MASTER_PARTITIONS[STORES_TABLE] ?? [], rows);
}

export function loadProducts(lake: ObjectStore, skus: string[], loadedAt = '2026-01-01T00:00:00Z'): Promise<number> {
  const rows = skus.map((sku) => ({ sku, name: `Product ${sku}`, category: 'Snacks', brand: 'Acme', unit_price: 100n, tax_exempt: false, source_file: 'products.csv', loaded_at: micros(loadedAt) }));
  return appendRows(lake, PRODUCTS_TABLE, PRODUCTS_SCHEMA, MASTER_PARTITIONS[PRODUCTS_TABLE] ?? [], rows);
}

/** History rows as [date, store, sku, units, net cents, receipts]. */
export function loadHistory(lake: ObjectStore, rows: [string, string, string, number, number, number][], loadedAt = '2026-01-01T00:00:00Z'): Promise<number> {
  const values = rows.map(([date, store, sku, units, cents, receipts]) => ({
    business_date: Date.parse(`${date}T00:00:00Z`) / 86_400_000,
    store_id: store,
    sku,
    units: BigInt(units),
    net_sales: BigInt(cents),
    receipts: BigInt(receipts),
    source_file: `history/sales_daily_${date}.csv`,
    loaded_at: micros(loadedAt),
  }));
  return appendRows(lake, SALES_HISTORY_TABLE, SALES_HISTORY_SCHEMA, MASTER_PARTITIONS[SALES_HISTORY_TABLE] ?? [], values);
}

/** Whole table in the scan JSON format, sorted; with `columns`, only those, in that order (the sort key). */
export async function tableLines(lake: ObjectStore, table: string, columns?: string[]): Promise<string[]> {
  const snapshot = await loadSnapshot(prefixed(lake, table));
  const rows = await scanAll(snapshot);
  const schema: StructType = columns
    ? { type: 'struct', fields: columns.map((c) => snapshot.schema.fields.find((f) => f.name === c) ?? missing(table, c)) }
    : snapshot.schema;
  return rows.map((r) => rowToJson(r, schema)).sort();
}

function missing(table: string, column: string): never {
  throw new Error(`${table} has no column ${column}`);
}

/** Rows of a table as plain objects of scan JSON values, sorted by their JSON text. */
export async function tableObjects(lake: ObjectStore, table: string, columns: string[]): Promise<Record<string, unknown>[]> {
  return (await tableLines(lake, table, columns)).map((l) => JSON.parse(l) as Record<string, unknown>);
}
