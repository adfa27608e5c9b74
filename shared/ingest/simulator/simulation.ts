/**
 * What a simulation returns: the events in arrival order (each with the fault it carries, if any), the
 * master data, the daily history rows and a summary whose counts are those of `events` (`late` and
 * `outOfOrder` count original sends, not their duplicates).
 */
import type { HistoryRow } from './daily-history.js';
import type { Malformation } from './malformation.js';
import type { Product, Store } from './master-data.js';
import type { SimulationOptions } from './simulation-options.js';

export interface SimulatedEvent {
  /** The body exactly as the register sends it (usually JSON text). */
  body: string;
  storeId: string;
  /** When the event reaches the cloud (ms); events are sorted by it. */
  arrivalMs: number;
  occurredMs: number;
  eventId: string | null;
  eventType: 'sale' | 'refund' | 'void';
  malformation: Malformation | null;
  duplicate: boolean;
  late: boolean;
  outOfOrder: boolean;
}

export interface SimulationSummary {
  events: number;
  valid: number;
  malformed: number;
  duplicates: number;
  late: number;
  outOfOrder: number;
  byType: Record<'sale' | 'refund' | 'void', number>;
  byMalformation: Partial<Record<Malformation, number>>;
  uniqueValidEventIds: number;
  firstOccurred: string;
  lastOccurred: string;
}

export interface Simulation {
  options: SimulationOptions;
  stores: Store[];
  products: Product[];
  events: SimulatedEvent[];
  history: HistoryRow[];
  summary: SimulationSummary;
}
