/**
 * How an event travels from the register to the cloud: a normal delay of 0.2–3 s, or (each at its own
 * rate, never both) a late upload hours later from an offline register or an out-of-order delay of
 * minutes; and sometimes a duplicate, the same body resent after the original. The order of the draws
 * (base delay, late, out-of-order, the longer delay; later the duplicate) is part of a seed's output.
 */
import type { Rng } from './rng.js';
import type { SimulatedEvent } from './simulation.js';
import type { SimulationRates } from './simulation-options.js';

export interface Delivery {
  /** Milliseconds from occurrence to arrival. */
  delay: number;
  late: boolean;
  outOfOrder: boolean;
}

export function delivery(rng: Rng, rates: SimulationRates): Delivery {
  let delay = 200 + rng.int(2800);
  const isLate = rng.chance(rates.late);
  const isOutOfOrder = !isLate && rng.chance(rates.outOfOrder);
  if (isLate) {
    delay = 3_600_000 + rng.int(7 * 3_600_000);
  } else if (isOutOfOrder) {
    delay = 30_000 + rng.int(570_000);
  }
  return { delay, late: isLate, outOfOrder: isOutOfOrder };
}

/** A resend of `event` arriving 1 s to 15 min after it, drawn at the duplicate rate; else null. */
export function duplicateOf(rng: Rng, rates: SimulationRates, event: SimulatedEvent): SimulatedEvent | null {
  if (!rng.chance(rates.duplicate)) return null;
  return { ...event, duplicate: true, arrivalMs: event.arrivalMs + 1000 + rng.int(900_000) };
}
