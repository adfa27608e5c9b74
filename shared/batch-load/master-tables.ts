/**
 * Contracts of the tables written by the batch load (local loader or the ADF pipeline) and read by the
 * Silver/Gold transforms. Both sides import these schemas; columns are added at the end only.
 *
 * Source files (landing zone, as written by `lakehouse simulate` and by POS back offices):
 *   stores.csv   store_id,name,city,country,time_zone,currency,open_hour,close_hour,registers,tax_rate,opened_date
 *   products.csv sku,name,category,brand,unit_price,tax_exempt
 *   history/sales_daily_<YYYY-MM-DD>.csv  business_date,store_id,sku,units,net_sales,receipts
 *
 * Master data tables are append-only snapshots: each load appends every row of the file it read with
 * `source_file` and `loaded_at`; readers take the latest row per key (store_id, sku) by `loaded_at`.
 */
import { field, struct } from '../delta/protocol/schema.js';
import type { StructType } from '../delta/protocol/schema.js';

export const STORES_TABLE = 'bronze/stores';
export const PRODUCTS_TABLE = 'bronze/products';
export const SALES_HISTORY_TABLE = 'bronze/sales_history';
export const BATCH_QUARANTINE_TABLE = 'bronze/batch_quarantine';

const lineage = [field('source_file', 'string', false), field('loaded_at', 'timestamp', false)];

export const STORES_SCHEMA: StructType = struct(
  field('store_id', 'string', false),
  field('name', 'string'),
  field('city', 'string'),
  field('country', 'string'),
  /** IANA zone, e.g. America/New_York: the store-local business day and hour come from it. */
  field('time_zone', 'string', false),
  field('currency', 'string', false),
  field('open_hour', 'integer'),
  field('close_hour', 'integer'),
  field('registers', 'integer'),
  /** e.g. 0.0888 */
  field('tax_rate', 'decimal(9,4)'),
  field('opened_date', 'date'),
  ...lineage,
);

export const PRODUCTS_SCHEMA: StructType = struct(
  field('sku', 'string', false),
  field('name', 'string'),
  field('category', 'string'),
  field('brand', 'string'),
  field('unit_price', 'decimal(18,2)'),
  field('tax_exempt', 'boolean'),
  ...lineage,
);

/** Daily store×SKU totals from before streaming started (or from stores that upload in batch). */
export const SALES_HISTORY_SCHEMA: StructType = struct(
  field('business_date', 'date', false),
  field('store_id', 'string', false),
  field('sku', 'string', false),
  field('units', 'long', false),
  field('net_sales', 'decimal(18,2)', false),
  field('receipts', 'long', false),
  ...lineage,
);

/** Rows the loader could not accept, with the reason; never silently dropped. */
export const BATCH_QUARANTINE_SCHEMA: StructType = struct(
  field('source_file', 'string', false),
  field('line_number', 'long', false),
  field('target_table', 'string', false),
  field('reason_code', 'string', false),
  field('reason', 'string', false),
  field('raw_line', 'string', false),
  field('loaded_at', 'timestamp', false),
);

export const MASTER_PARTITIONS: Record<string, string[]> = {
  [STORES_TABLE]: [],
  [PRODUCTS_TABLE]: [],
  [SALES_HISTORY_TABLE]: ['business_date'],
  [BATCH_QUARANTINE_TABLE]: [],
};
