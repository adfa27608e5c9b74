/**
 * When receipts happen: each slot picks a store by size, a day by the weekday profile and an hour by
 * the diurnal profile (lunch and after-work peaks), only within the store's trading hours, in the
 * store's own time zone. Slots come back sorted by occurrence (UTC ms); same RNG state, same slots.
 */
import { cumulative, type Rng } from './rng.js';
import type { Store } from './master-data.js';
import type { SimulationOptions } from './simulation-options.js';
import { localToUtc } from '../../delta/read/zoned-time.js';

export interface Slot {
  store: Store;
  occurredMs: number;
}

export const WEEKDAY = [1.1, 0.85, 0.9, 0.95, 1.05, 1.25, 1.4]; // Sun..Sat
const HOURLY = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.1, 1.4, 1.7, 1.5, 1.1, 1.0, 1.2, 1.6, 1.8, 1.5, 1.1,
  0.8, 0.5, 0.3,
];
export const DAY_MS = 86_400_000;

/** One slot per event, drawn `options.events` times from `startMs` (local midnight of the first day). */
export function drawSlots(rng: Rng, stores: Store[], options: SimulationOptions, startMs: number): Slot[] {
  const storeWeights = cumulative(stores.map((s) => s.size));
  const dayWeights = cumulative(
    Array.from({ length: options.days }, (_, d) => WEEKDAY[new Date(startMs + d * DAY_MS).getUTCDay()] ?? 1),
  );
  const hourWeights = stores.map((s) =>
    cumulative(HOURLY.map((w, h) => (h >= s.openHour && h < s.closeHour ? w : 0))),
  );
  const slots: Slot[] = [];
  for (let i = 0; i < options.events; i++) {
    const si = rng.weighted(storeWeights);
    const store = stores[si] as Store;
    const day = rng.weighted(dayWeights);
    const hour = rng.weighted(hourWeights[si] ?? []);
    const localMs = startMs + day * DAY_MS + hour * 3_600_000 + rng.int(3_600_000);
    slots.push({ store, occurredMs: localToUtc(store.timeZone, localMs) });
  }
  slots.sort((a, b) => a.occurredMs - b.occurredMs);
  return slots;
}
