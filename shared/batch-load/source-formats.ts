/**
 * How each landing file maps onto its fixed table contract (master-tables.ts): which files, which
 * columns (the contract's columns minus lineage, in contract order), the rules beyond the Delta type,
 * and the key that must be unique within one file.
 */
import type { StructField, StructType } from '../delta/protocol/schema.js';
import type { BatchRejection } from './batch-reason-codes.js';
import {
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from './master-tables.js';

export interface SourceFormat {
  readonly kind: 'stores' | 'products' | 'sales_history';
  readonly table: string;
  readonly schema: StructType;
  /** CSV columns, in contract order (files may order them differently). */
  readonly columns: readonly StructField[];
  /** Extra per-column rule on the converted (non-null) value. */
  readonly rules: Readonly<Record<string, (value: unknown, text: string) => BatchRejection | undefined>>;
  /** Columns whose combination must be unique in one file. */
  readonly key: readonly string[];
}

/** Lineage columns the loader fills; every other contract column comes from the file. */
export const LINEAGE_COLUMNS = ['source_file', 'loaded_at'] as const;

/** The landing file → format mapping; `businessDate` is set for daily history files. */
export type LandingFile = { path: string; format: SourceFormat; businessDate?: string };

export const STORES_FORMAT: SourceFormat = format('stores', STORES_TABLE, STORES_SCHEMA, ['store_id'], {
  store_id: keyText,
  time_zone: (_v, text) =>
    isTimeZone(text) ? undefined : invalid(`time_zone: ${JSON.stringify(text)} is not an IANA time zone`),
  currency: (_v, text) =>
    /^[A-Z]{3}$/.test(text)
      ? undefined
      : invalid(`currency: ${JSON.stringify(text)} is not a 3-letter ISO 4217 code`),
  open_hour: hourOfDay('open_hour'),
  close_hour: hourOfDay('close_hour'),
  registers: (v) => (typeof v === 'number' && v >= 0 ? undefined : range('registers must be ≥ 0')),
  tax_rate: (v) =>
    typeof v === 'bigint' && v >= 0n && v < 10_000n ? undefined : range('tax_rate must be in [0, 1)'),
});

export const PRODUCTS_FORMAT: SourceFormat = format('products', PRODUCTS_TABLE, PRODUCTS_SCHEMA, ['sku'], {
  sku: keyText,
  unit_price: (v) => (typeof v === 'bigint' && v >= 0n ? undefined : range('unit_price must be ≥ 0')),
});

/** Units and net sales may be negative (a day with more refunds than sales); receipts may not. */
export const SALES_HISTORY_FORMAT: SourceFormat = format(
  'sales_history',
  SALES_HISTORY_TABLE,
  SALES_HISTORY_SCHEMA,
  ['business_date', 'store_id', 'sku'],
  {
    store_id: keyText,
    sku: keyText,
    receipts: (v) => (typeof v === 'bigint' && v >= 0n ? undefined : range('receipts must be ≥ 0')),
  },
);

const HISTORY_FILE = /^history\/sales_daily_(\d{4}-\d{2}-\d{2})\.csv$/;

/**
 * The landing file at `path`, or why it is not one: `undefined` for keys that are not batch-load
 * CSVs at all (events.jsonl, manifest.json), a reason for CSVs in the wrong place or with a bad name.
 */
export function classifyLandingPath(path: string): LandingFile | { ignored: string } | undefined {
  if (path === 'stores.csv') return { path, format: STORES_FORMAT };
  if (path === 'products.csv') return { path, format: PRODUCTS_FORMAT };
  const history = HISTORY_FILE.exec(path);
  if (history?.[1]) return { path, format: SALES_HISTORY_FORMAT, businessDate: history[1] };
  if (!path.toLowerCase().endsWith('.csv')) return undefined;
  if (path.startsWith('history/'))
    return { ignored: 'history files must be named history/sales_daily_<YYYY-MM-DD>.csv' };
  return { ignored: 'not a batch-load source (stores.csv, products.csv, history/sales_daily_<date>.csv)' };
}

function format(
  kind: SourceFormat['kind'],
  table: string,
  schema: StructType,
  key: string[],
  rules: SourceFormat['rules'],
): SourceFormat {
  const lineage: readonly string[] = LINEAGE_COLUMNS;
  return { kind, table, schema, columns: schema.fields.filter((f) => !lineage.includes(f.name)), rules, key };
}

function keyText(_value: unknown, text: string): BatchRejection | undefined {
  return text.trim() === text
    ? undefined
    : invalid(`key ${JSON.stringify(text)} has surrounding white space`);
}

function hourOfDay(name: string) {
  return (v: unknown): BatchRejection | undefined =>
    typeof v === 'number' && v >= 0 && v <= 24 ? undefined : range(`${name} must be in 0..24`);
}

const zoneCache = new Map<string, boolean>();

function isTimeZone(text: string): boolean {
  let known = zoneCache.get(text);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: text });
      known = text.length > 0;
    } catch {
      known = false;
    }
    zoneCache.set(text, known);
  }
  return known;
}

function invalid(message: string): BatchRejection {
  return { code: 'invalid_value', message };
}

function range(message: string): BatchRejection {
  return { code: 'out_of_range', message };
}
