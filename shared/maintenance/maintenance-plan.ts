/**
 * Which tables each maintenance timer looks after, with their compaction targets and clustering keys.
 * Bronze gets one small file per Event Hub batch and partition, so it is compacted hourly; Gold is
 * rewritten per partition by the pipeline and compacted after the publish window.
 */
export type MaintenanceJob = 'compact' | 'checkpoint-vacuum';

export interface TableMaintenance {
  table: string;
  targetFileSize: number;
  clusterBy: string[];
}

const MiB = 1024 * 1024;

export function bronzeTables(targetFileSize = 128 * MiB): TableMaintenance[] {
  return [
    { table: 'bronze/pos_events', targetFileSize, clusterBy: ['store_id', 'occurred_at'] },
    { table: 'bronze/pos_events_quarantine', targetFileSize, clusterBy: ['ingest_time'] },
  ];
}

export function goldTables(targetFileSize = 32 * MiB): TableMaintenance[] {
  return [
    { table: 'gold/sales_store_hour', targetFileSize, clusterBy: ['store_id', 'business_hour'] },
    { table: 'gold/product_sales_daily', targetFileSize, clusterBy: ['store_id', 'sku'] },
    { table: 'gold/basket_metrics_daily', targetFileSize, clusterBy: ['store_id'] },
    { table: 'gold/tender_mix_daily', targetFileSize, clusterBy: ['store_id'] },
  ];
}

/** Every table the lake holds, for the daily checkpoint + vacuum pass. */
export const ALL_TABLES = [
  'bronze/pos_events',
  'bronze/pos_events_quarantine',
  'bronze/stores',
  'bronze/products',
  'bronze/sales_history',
  'bronze/batch_quarantine',
  'silver/transactions',
  'silver/sales_lines',
  'silver/tenders',
  'silver/quarantine',
  'gold/sales_store_hour',
  'gold/product_sales_daily',
  'gold/basket_metrics_daily',
  'gold/tender_mix_daily',
  'ops/runs',
  'ops/dq_results',
];
