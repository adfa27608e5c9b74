/**
 * Contracts of the Silver and Gold tables (ARCHITECTURE.md §3.2), shared by the DuckDB engine, the
 * PySpark job (infra/databricks, which declares the same columns) and the parity test. Money is
 * decimal(18,2), quantities decimal(18,3), ratios decimal(9,4), instants UTC `timestamp`;
 * `business_date` and `business_hour` are store-local (the store's IANA zone).
 *
 * Every table but the quarantine is partitioned by `business_date`; a run rewrites whole date
 * partitions (replaceWhere-style: removes + adds in one commit) and changes only the store-days it
 * restates. Column order is the schema's and is also the SELECT order of the SQL outputs.
 */
import { field, struct } from '../delta/protocol/schema.js';
import type { StructType } from '../delta/protocol/schema.js';
import type { Snapshot } from '../delta/snapshot/snapshot.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { createTable } from '../delta/table.js';

const money = 'decimal(18,2)' as const;
const qty = 'decimal(18,3)' as const;
const ratio = 'decimal(9,4)' as const;

export const SILVER_TRANSACTIONS_SCHEMA: StructType = struct(
  field('transaction_id', 'string', false),
  field('event_id', 'string', false),
  /** sale | refund | void */
  field('event_type', 'string', false),
  field('store_id', 'string', false),
  field('register_id', 'string', false),
  field('cashier_id', 'string', false),
  /** Hex HMAC-SHA256 of the customer id under the configured key; null for anonymous receipts. */
  field('customer_key', 'string'),
  field('occurred_at', 'timestamp', false),
  field('business_hour', 'integer', false),
  field('currency', 'string', false),
  field('line_count', 'integer', false),
  field('units', qty, false),
  /** subtotal + line discounts (price × quantity before discounts). */
  field('gross_amount', money, false),
  field('discount', money, false),
  field('subtotal', money, false),
  field('tax', money, false),
  field('total', money, false),
  field('loyalty_points', 'long'),
  field('original_transaction_id', 'string'),
  /** Refunds and voids: whether the original transaction is in Silver, and its business date. */
  field('original_found', 'boolean', false),
  field('original_business_date', 'date'),
  /** Sales and refunds cancelled by a post-void; Gold ignores them. */
  field('is_voided', 'boolean', false),
  field('voided_by_transaction_id', 'string'),
  field('ingest_time', 'timestamp', false),
  field('business_date', 'date', false),
);

export const SILVER_SALES_LINES_SCHEMA: StructType = struct(
  field('transaction_id', 'string', false),
  field('line_no', 'integer', false),
  /** sale | refund (void receipts carry no lines of their own) */
  field('event_type', 'string', false),
  field('store_id', 'string', false),
  field('sku', 'string', false),
  field('product_name', 'string'),
  field('category', 'string'),
  field('brand', 'string'),
  field('quantity', qty, false),
  field('unit_price', money, false),
  field('discount', money, false),
  field('line_total', money, false),
  field('is_voided', 'boolean', false),
  field('occurred_at', 'timestamp', false),
  field('business_hour', 'integer', false),
  field('business_date', 'date', false),
);

export const SILVER_TENDERS_SCHEMA: StructType = struct(
  field('transaction_id', 'string', false),
  field('tender_no', 'integer', false),
  field('event_type', 'string', false),
  field('store_id', 'string', false),
  field('method', 'string', false),
  field('amount', money, false),
  field('currency', 'string', false),
  field('is_voided', 'boolean', false),
  field('occurred_at', 'timestamp', false),
  field('business_date', 'date', false),
);

/** Receipts held back because their store or a SKU is not (yet) in the master data; re-checked every run. */
export const SILVER_QUARANTINE_SCHEMA: StructType = struct(
  field('event_id', 'string', false),
  field('transaction_id', 'string', false),
  field('event_type', 'string', false),
  field('store_id', 'string', false),
  field('occurred_at', 'timestamp', false),
  /** unknown_store | unknown_sku */
  field('reason_code', 'string', false),
  /** Sorted, comma-separated unknown SKUs (unknown_sku only). */
  field('unknown_skus', 'string'),
  field('ingest_time', 'timestamp', false),
);

export const GOLD_SALES_STORE_HOUR_SCHEMA: StructType = struct(
  field('store_id', 'string', false),
  field('business_hour', 'integer', false),
  field('currency', 'string', false),
  field('transactions', 'long', false),
  field('refund_transactions', 'long', false),
  field('gross_sales', money, false),
  field('discounts', money, false),
  field('refunds', money, false),
  /** Σ sale subtotals − Σ refund subtotals (tax excluded) = gross_sales − discounts − refunds. */
  field('net_sales', money, false),
  field('tax', money, false),
  field('units_sold', qty, false),
  field('units_refunded', qty, false),
  /** Σ sale subtotals / transactions, half-up to cents; null without sales. */
  field('aov', money),
  /** units_sold / transactions, half-up to 2 decimals; null without sales. */
  field('basket_size', 'decimal(18,2)'),
  field('business_date', 'date', false),
);

export const GOLD_PRODUCT_SALES_DAILY_SCHEMA: StructType = struct(
  field('store_id', 'string', false),
  field('sku', 'string', false),
  field('product_name', 'string'),
  field('category', 'string'),
  /** Net units (sold − refunded). */
  field('units', qty, false),
  /** Net revenue (Σ sale line totals − Σ refund line totals). */
  field('revenue', money, false),
  field('receipts', 'long', false),
  /** stream | history (history only for store-days without streamed receipts). */
  field('source', 'string', false),
  /** 1 = best seller of the store-day by revenue (ties by sku). */
  field('rank_in_store', 'integer', false),
  /** 1 = best seller of the chain that day by units (currency-neutral; ties by sku). */
  field('rank_overall', 'integer', false),
  field('business_date', 'date', false),
);

export const GOLD_BASKET_METRICS_DAILY_SCHEMA: StructType = struct(
  field('store_id', 'string', false),
  field('currency', 'string', false),
  field('transactions', 'long', false),
  field('units_sold', qty, false),
  field('net_sales', money, false),
  field('aov', money),
  field('basket_size', 'decimal(18,2)'),
  field('lines_per_basket', 'decimal(18,2)'),
  field('loyalty_transactions', 'long', false),
  field('voided_transactions', 'long', false),
  field('refund_transactions', 'long', false),
  field('refund_amount', money, false),
  /** refund_amount / Σ sale subtotals, half-up to 4 decimals; null without sales. */
  field('refund_rate', ratio),
  field('business_date', 'date', false),
);

export const GOLD_TENDER_MIX_DAILY_SCHEMA: StructType = struct(
  field('store_id', 'string', false),
  field('currency', 'string', false),
  field('method', 'string', false),
  field('tender_count', 'long', false),
  /** Net amount (sale tenders − refund tenders). */
  field('amount', money, false),
  /** amount / Σ amount of the store-day and currency, half-up to 4 decimals. */
  field('share', ratio),
  field('business_date', 'date', false),
);

export interface OutputTable {
  /** Path under the lake root, also the table's logical name. */
  name: string;
  /** DuckDB relation holding the table's complete new content for the rewritten partitions. */
  relation: string;
  schema: StructType;
  partitionColumns: string[];
}

const byDate = ['business_date'];

/** In commit order: Silver, Gold, then the quarantine (so an interrupted run re-derives its scope). */
export const OUTPUT_TABLES: readonly OutputTable[] = [
  {
    name: 'silver/transactions',
    relation: 'out_silver_transactions',
    schema: SILVER_TRANSACTIONS_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'silver/sales_lines',
    relation: 'out_silver_sales_lines',
    schema: SILVER_SALES_LINES_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'silver/tenders',
    relation: 'out_silver_tenders',
    schema: SILVER_TENDERS_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'gold/sales_store_hour',
    relation: 'out_gold_sales_store_hour',
    schema: GOLD_SALES_STORE_HOUR_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'gold/product_sales_daily',
    relation: 'out_gold_product_sales_daily',
    schema: GOLD_PRODUCT_SALES_DAILY_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'gold/basket_metrics_daily',
    relation: 'out_gold_basket_metrics_daily',
    schema: GOLD_BASKET_METRICS_DAILY_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'gold/tender_mix_daily',
    relation: 'out_gold_tender_mix_daily',
    schema: GOLD_TENDER_MIX_DAILY_SCHEMA,
    partitionColumns: byDate,
  },
  {
    name: 'silver/quarantine',
    relation: 'out_silver_quarantine',
    schema: SILVER_QUARANTINE_SCHEMA,
    partitionColumns: [],
  },
];

export const SILVER_QUARANTINE_TABLE = 'silver/quarantine';

/** An output table's latest snapshot, the table created (empty, with its schema) when absent. */
export async function openOutputTable(lake: ObjectStore, table: OutputTable): Promise<Snapshot> {
  const store = prefixed(lake, table.name);
  const created = await createTable(store, {
    schema: table.schema,
    partitionColumns: table.partitionColumns,
    name: table.name.replace('/', '_'),
  });
  return created.snapshot;
}
