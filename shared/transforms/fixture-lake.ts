/**
 * Loads a POS simulation into a lake the way production fills it, for tests, benchmarks and local
 * demos: events through the real landing use case (`landBatch`, one exactly-once stream, in arrival
 * order), master data and sales history as batch-load snapshots.
 */
import { landBatch } from '../ingest/land-batch.js';
import { BRONZE_TABLE, QUARANTINE_TABLE } from '../ingest/bronze-tables.js';
import type { Simulation, SimulatedEvent } from '../ingest/simulator/pos-traffic.js';
import type { Product, Store } from '../ingest/simulator/master-data.js';
import type { HistoryRow } from '../ingest/simulator/pos-traffic.js';
import {
  MASTER_PARTITIONS,
  PRODUCTS_SCHEMA,
  PRODUCTS_TABLE,
  SALES_HISTORY_SCHEMA,
  SALES_HISTORY_TABLE,
  STORES_SCHEMA,
  STORES_TABLE,
} from '../batch-load/master-tables.js';
import type { StructType } from '../delta/protocol/schema.js';
import type { ObjectStore } from '../delta/storage/object-store.js';
import { prefixed } from '../delta/storage/prefixed-store.js';
import { appendBatch, createTable } from '../delta/table.js';

const DAY_MS = 86_400_000;

export interface LandOptions {
  /** Events per landing batch (one Bronze commit each). */
  batchSize?: number;
  /** Stream id (exactly-once owner) and the first sequence number to use. */
  streamId?: string;
  firstSequence?: number;
}

/** Lands events in arrival order; returns the next free sequence number. */
export async function landSimulatedEvents(
  lake: ObjectStore,
  events: readonly SimulatedEvent[],
  options: LandOptions = {},
): Promise<number> {
  const size = options.batchSize ?? 5000;
  const streamId = options.streamId ?? 'sim-0';
  let seq = options.firstSequence ?? 0;
  const ports = (nowMs: number) => ({
    bronze: prefixed(lake, BRONZE_TABLE),
    quarantine: prefixed(lake, QUARANTINE_TABLE),
    now: () => nowMs,
  });
  for (let start = 0; start < events.length; start += size) {
    const chunk = events.slice(start, start + size);
    const positions = chunk.map((e) => ({
      sequenceNumber: seq++,
      enqueuedTimeMicros: BigInt(Math.trunc(e.arrivalMs)) * 1000n,
    }));
    const last = chunk[chunk.length - 1];
    await landBatch(
      ports(last ? last.arrivalMs + 1000 : 0),
      chunk.map((e) => e.body),
      { source: 'eventhub', streamId, partitionId: '0', positions },
    );
  }
  return seq;
}

export async function loadSimulatedStores(
  lake: ObjectStore,
  stores: readonly Store[],
  loadedAtMs: number,
): Promise<void> {
  await append(lake, STORES_TABLE, STORES_SCHEMA, {
    store_id: stores.map((s) => s.storeId),
    name: stores.map((s) => s.name),
    city: stores.map((s) => s.city),
    country: stores.map((s) => s.country),
    time_zone: stores.map((s) => s.timeZone),
    currency: stores.map((s) => s.currency),
    open_hour: stores.map((s) => s.openHour),
    close_hour: stores.map((s) => s.closeHour),
    registers: stores.map((s) => s.registers),
    tax_rate: stores.map((s) => BigInt(s.taxBp)),
    opened_date: stores.map((s) => Date.parse(`${s.openedDate}T00:00:00Z`) / DAY_MS),
    source_file: stores.map(() => 'stores.csv'),
    loaded_at: stores.map(() => BigInt(loadedAtMs) * 1000n),
  });
}

export async function loadSimulatedProducts(
  lake: ObjectStore,
  products: readonly Product[],
  loadedAtMs: number,
): Promise<void> {
  await append(lake, PRODUCTS_TABLE, PRODUCTS_SCHEMA, {
    sku: products.map((p) => p.sku),
    name: products.map((p) => p.name),
    category: products.map((p) => p.category),
    brand: products.map((p) => p.brand),
    unit_price: products.map((p) => BigInt(p.priceCents)),
    tax_exempt: products.map((p) => p.taxExempt),
    source_file: products.map(() => 'products.csv'),
    loaded_at: products.map(() => BigInt(loadedAtMs) * 1000n),
  });
}

export async function loadSimulatedHistory(
  lake: ObjectStore,
  rows: readonly HistoryRow[],
  loadedAtMs: number,
): Promise<void> {
  await append(lake, SALES_HISTORY_TABLE, SALES_HISTORY_SCHEMA, {
    business_date: rows.map((r) => Date.parse(`${r.businessDate}T00:00:00Z`) / DAY_MS),
    store_id: rows.map((r) => r.storeId),
    sku: rows.map((r) => r.sku),
    units: rows.map((r) => BigInt(r.units)),
    net_sales: rows.map((r) => BigInt(r.netSalesCents)),
    receipts: rows.map((r) => BigInt(r.receipts)),
    source_file: rows.map((r) => `history/sales_daily_${r.businessDate}.csv`),
    loaded_at: rows.map(() => BigInt(loadedAtMs) * 1000n),
  });
}

/** Master data, history and every event of a simulation. */
export async function loadSimulation(
  lake: ObjectStore,
  sim: Simulation,
  options: LandOptions = {},
): Promise<void> {
  const loadedAt = Date.parse(`${sim.options.start}T00:00:00Z`);
  await loadSimulatedStores(lake, sim.stores, loadedAt);
  await loadSimulatedProducts(lake, sim.products, loadedAt);
  if (sim.history.length > 0) await loadSimulatedHistory(lake, sim.history, loadedAt);
  await landSimulatedEvents(lake, sim.events, options);
}

async function append(
  lake: ObjectStore,
  table: string,
  schema: StructType,
  batch: Record<string, unknown[]>,
): Promise<void> {
  const store = prefixed(lake, table);
  await createTable(store, { schema, partitionColumns: MASTER_PARTITIONS[table] ?? [] });
  const result = await appendBatch(store, batch);
  if (result.kind !== 'committed') throw new Error(`${table}: append conflict`);
}
