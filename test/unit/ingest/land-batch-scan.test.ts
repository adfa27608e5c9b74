/**
 * The scanner end to end: a simulator batch (valid events in both money forms, malformed ones of
 * every kind) landed as text (scanner first) and as the same bytes (full path only: the scanner
 * reads strings) gives the same outcomes and the same Bronze and quarantine rows, read back from the
 * Parquet files.
 */
import { describe, expect, test } from 'vitest';
import { loadSettings } from '../../../shared/config/config.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { landPorts } from '../../../shared/ingest/compose.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';

async function rows(store: ObjectStore): Promise<Record<string, unknown>[]> {
  const all = await scanAll(await loadSnapshot(store));
  return all.sort((a, b) => Number(a.eh_sequence_number) - Number(b.eh_sequence_number));
}

describe('landBatch with the scanner', () => {
  test('text bodies land exactly as the same bytes through the full path', async () => {
    const sim = simulatePosTraffic({ seed: 3, stores: 5, events: 400, rates: { malformed: 0.2 } });
    const texts = sim.events.map((e) => e.body);
    const now = Math.max(...sim.events.map((e) => e.arrivalMs));
    const land = async (events: unknown[]) => {
      const lake = new MemoryStore();
      const ports = landPorts(lake, loadSettings({}), () => now);
      const positions = events.map((_, i) => ({ sequenceNumber: i, offset: String(i) }));
      const result = await landBatch(ports, events, { source: 'file', streamId: 's', positions });
      return { result, bronze: await rows(ports.bronze), quarantine: await rows(ports.quarantine) };
    };
    const scanned = await land(texts);
    const full = await land(texts.map((t) => Buffer.from(t)));
    expect(scanned.result.landed).toBeGreaterThan(250);
    expect(scanned.result.quarantined).toBeGreaterThan(40);
    expect(scanned.result.outcomes).toEqual(full.result.outcomes);
    expect(scanned.bronze).toEqual(full.bronze);
    expect(scanned.quarantine).toEqual(full.quarantine);
  });
});
