/**
 * The scanner end to end: a simulator batch (valid events in both money forms, malformed ones of
 * every kind) landed as text and as the same bytes (scanner first, as the Event Hub trigger and the
 * CLI hand bytes over) gives the same outcomes and the same Bronze and quarantine rows, read back
 * from the Parquet files, as the full path alone (`scanner: false`).
 */
import { isAscii } from 'node:buffer';
import { describe, expect, test } from 'vitest';
import { loadSettings } from '../../../shared/config/config.js';
import { scanAll } from '../../../shared/delta/read/scan.js';
import { loadSnapshot } from '../../../shared/delta/snapshot/snapshot.js';
import { MemoryStore } from '../../../shared/delta/storage/memory-store.js';
import type { ObjectStore } from '../../../shared/delta/storage/object-store.js';
import { landPorts } from '../../../shared/ingest/compose.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { BATCH_TEXT_BYTES } from '../../../shared/ingest/decode-body.js';
import { splitJsonLines } from '../../../shared/ingest/json-lines.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';

async function rows(store: ObjectStore): Promise<Record<string, unknown>[]> {
  const all = await scanAll(await loadSnapshot(store));
  return all.sort((a, b) => Number(a.eh_sequence_number) - Number(b.eh_sequence_number));
}

describe('landBatch with the scanner', () => {
  test('text and byte bodies land as through the full path alone', async () => {
    const sim = simulatePosTraffic({ seed: 3, stores: 5, events: 400, rates: { malformed: 0.2 } });
    const texts = sim.events.map((e) => e.body);
    const now = Math.max(...sim.events.map((e) => e.arrivalMs));
    const land = async (events: unknown[], scanner = true) => {
      const lake = new MemoryStore();
      const ports = { ...landPorts(lake, loadSettings({}), () => now), scanner };
      const positions = events.map((_, i) => ({ sequenceNumber: i, offset: String(i) }));
      const result = await landBatch(ports, events, { source: 'file', streamId: 's', positions });
      return { result, bronze: await rows(ports.bronze), quarantine: await rows(ports.quarantine) };
    };
    // Byte bodies the scanner must leave to the full path: not UTF-8, a second BOM (the decoder
    // drops one; JSON.parse rejects the other), over the size limit.
    const bytes = texts.map((t) => Buffer.from(t));
    bytes.push(Buffer.from([0x7b, 0xff, 0x7d]));
    bytes.push(Buffer.concat([Buffer.from('\ufeff\ufeff'), Buffer.from(texts[0] ?? '')]));
    bytes.push(Buffer.from(JSON.stringify({ ...JSON.parse(texts[0] ?? '{}'), pad: 'x'.repeat(300_000) })));
    // All ASCII and over BATCH_TEXT_BYTES.min (the bodies 8 times, as lines of one file): the batch is
    // decoded at once (asciiBodiesAsText); the batches above are not.
    const asciiTexts = texts.filter((t) => isAscii(Buffer.from(t)));
    expect(asciiTexts.length).toBeGreaterThan(350);
    const ascii = splitJsonLines(Buffer.from(`${asciiTexts.join('\n')}\n`.repeat(8))).map((l) => l.bytes);
    expect(ascii.reduce((n, b) => n + b.byteLength, 0)).toBeGreaterThan(BATCH_TEXT_BYTES.min);
    const full = await land(texts, false);
    const scanned = await land(texts);
    const fullBytes = await land(bytes, false);
    const scannedBytes = await land(bytes);
    expect(scanned.result.landed).toBeGreaterThan(250);
    expect(scanned.result.quarantined).toBeGreaterThan(40);
    expect(scanned.result.outcomes).toEqual(full.result.outcomes);
    expect(scanned.bronze).toEqual(full.bronze);
    expect(scanned.quarantine).toEqual(full.quarantine);
    expect(scannedBytes.result.outcomes).toEqual(fullBytes.result.outcomes);
    expect(scannedBytes.bronze).toEqual(fullBytes.bronze);
    expect(scannedBytes.quarantine).toEqual(fullBytes.quarantine);
    expect(fullBytes.bronze).toEqual(full.bronze);
    const [asciiFull, asciiScanned] = [await land(ascii, false), await land(ascii)];
    expect(asciiScanned.result.outcomes).toEqual(asciiFull.result.outcomes);
    expect(asciiScanned.bronze).toEqual(asciiFull.bronze);
    expect(asciiScanned.quarantine).toEqual(asciiFull.quarantine);
    expect(fullBytes.quarantine.slice(-3).map((r) => r.reason_code)).toEqual([
      'body_not_utf8',
      'body_not_json',
      'body_too_large',
    ]);
  });
});
