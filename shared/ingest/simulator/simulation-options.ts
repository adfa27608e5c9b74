/**
 * What a simulation is asked for: the options of `simulatePosTraffic` and their defaults. The options
 * (seed included) fully determine the output; a partial options object is completed from
 * `DEFAULT_SIMULATION`, rates key by key.
 */

export interface SimulationRates {
  malformed: number;
  duplicate: number;
  late: number;
  outOfOrder: number;
  refund: number;
  void: number;
  loyalty: number;
  /** Share of events whose money fields are decimal strings instead of JSON numbers. */
  moneyAsString: number;
}

export interface SimulationOptions {
  seed: number;
  stores: number;
  events: number;
  /** First business day, YYYY-MM-DD. */
  start: string;
  days: number;
  skus: number;
  customers: number;
  historyDays: number;
  /** Receipts per store and day in the history files (scaled by store size and weekday). */
  historyReceiptsPerStoreDay: number;
  rates: SimulationRates;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  seed: 42,
  stores: 10,
  events: 10_000,
  start: '2026-11-16',
  days: 7,
  skus: 2000,
  customers: 5000,
  historyDays: 28,
  historyReceiptsPerStoreDay: 150,
  rates: {
    malformed: 0.01,
    duplicate: 0.005,
    late: 0.01,
    outOfOrder: 0.02,
    refund: 0.02,
    void: 0.01,
    loyalty: 0.35,
    moneyAsString: 0.2,
  },
};
