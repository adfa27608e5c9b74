/**
 * `lakehouse run` streams simulated traffic "as of now": no receipt may be in the future in any
 * store's time zone, whatever the hour of the UTC day the run starts at (a regression: just after UTC
 * midnight the previous UTC date is still trading in the Americas, and those receipts were quarantined
 * as occurred_at_in_future).
 */
import { describe, expect, it } from 'vitest';
import { lastClosedBusinessDay, runSimulationOptions } from '../../../shared/cli/run-command.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';

describe('lakehouse run traffic window', () => {
  it.each(['2026-11-26T00:33:00Z', '2026-11-26T07:59:00Z', '2026-11-26T12:00:00Z', '2026-11-26T23:59:59Z'])(
    'has every receipt before the start instant %s',
    (iso) => {
      const nowMs = Date.parse(iso);
      const sim = simulatePosTraffic(
        runSimulationOptions({ seed: 7, stores: 30, rate: 200, duration: 20, nowMs }),
      );
      const occurred = sim.events
        .filter((e) => e.malformation === null)
        .map((e) => Date.parse((JSON.parse(e.body) as { occurredAt: string }).occurredAt));
      expect(occurred.length).toBeGreaterThan(3000);
      expect(Math.max(...occurred)).toBeLessThan(nowMs);
      // ...and the traffic is recent: its last business day is the last one closed everywhere.
      const stores = new Set(sim.stores.map((s) => s.timeZone));
      expect(stores.size).toBeGreaterThan(3);
      expect(Math.max(...occurred)).toBeGreaterThan(nowMs - 3 * 86_400_000);
    },
  );

  it('names the last day that has ended in every time zone', () => {
    expect(lastClosedBusinessDay(Date.parse('2026-11-26T00:33:00Z'))).toBe('2026-11-24');
    expect(lastClosedBusinessDay(Date.parse('2026-11-26T11:59:59Z'))).toBe('2026-11-24');
    expect(lastClosedBusinessDay(Date.parse('2026-11-26T12:00:00Z'))).toBe('2026-11-25');
  });
});
