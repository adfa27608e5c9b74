/**
 * A landing that commits right after the version it read keeps the resulting snapshot in memory, so
 * the next batch of the stream reads nothing of the Bronze log back — and stays exactly-once when
 * another instance took over the stream in between (its commit surfaces as a conflict, not a gap).
 */
import { describe, expect, test } from 'vitest';
import { CountingStore } from '../../../shared/delta/storage/counting-store.js';
import { loadSnapshot, MAX_REFRESHED_COMMITS } from '../../../shared/delta/snapshot/snapshot.js';
import { LANDING_CHECKPOINT_INTERVAL } from '../../../shared/ingest/bronze-tables.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { portsFor, positions, rowsOf, tempLake } from './helpers.js';

const batch = (n: number) => Array.from({ length: n }, () => JSON.stringify(validEvent()));
const meta = (first: number, n: number) => ({
  source: 'eventhub' as const,
  streamId: 'cg-7',
  partitionId: '7',
  positions: positions(first, n),
});

/** Landing ports on a fresh lake whose Bronze store counts every call. */
function countingLanding() {
  const base = portsFor(tempLake());
  const bronze = new CountingStore(base.bronze);
  return { base, bronze, ports: { ...base, bronze } };
}

describe('the snapshot after our own commit', () => {
  test('the next batch of the stream does not list or read the Bronze log', async () => {
    const { base, bronze, ports } = countingLanding();
    await landBatch(ports, batch(10), meta(0, 10));
    bronze.reset();
    const second = await landBatch(ports, batch(10), meta(10, 10));
    expect(second.landed).toBe(10);
    expect(bronze.keys('list')).toEqual([]);
    expect(bronze.keys('get').filter((k) => k.startsWith('_delta_log/'))).toEqual([]);
    expect(bronze.keys('putIfAbsent').filter((k) => k.endsWith('.json'))).toHaveLength(1);
    expect((await rowsOf(base.bronze)).length).toBe(20);
  });

  test('past the checkpoints it writes itself, a long run of batches reads nothing of the log back', async () => {
    const { base, bronze, ports } = countingLanding();
    await landBatch(ports, batch(2), meta(0, 2));
    bronze.reset();
    // More commits than a snapshot may carry past its checkpoint: only continuing from the
    // checkpoints written along the way (every LANDING_CHECKPOINT_INTERVAL) avoids a reload.
    const batches = MAX_REFRESHED_COMMITS + 10;
    for (let b = 1; b <= batches; b++) await landBatch(ports, batch(2), meta(2 * b, 2));
    expect(bronze.keys('list')).toEqual([]);
    expect(bronze.keys('get').filter((k) => /^_delta_log\/\d+\.(json|checkpoint\.parquet)$/.test(k))).toEqual(
      [],
    );
    const snapshot = await loadSnapshot(base.bronze);
    expect(snapshot.version).toBe(batches + 1);
    expect(snapshot.segment.checkpointVersion).toBe(
      Math.floor((batches + 1) / LANDING_CHECKPOINT_INTERVAL) * LANDING_CHECKPOINT_INTERVAL,
    );
    expect(snapshot.txnVersion('cg-7')).toBe(2 * batches + 1);
  }, 120_000);

  test('another instance landing the stream in between: a redelivered batch lands once', async () => {
    const lake = tempLake();
    const a = portsFor(lake); // two instances: separate store objects, separate caches
    const b = portsFor(lake);
    await landBatch(a, batch(10), meta(0, 10));
    const taken = batch(10);
    expect((await landBatch(b, taken, meta(10, 10))).landed).toBe(10);
    // a still holds the post-commit snapshot of its own commit, older than b's
    const again = await landBatch(a, taken, meta(10, 10));
    expect([again.landed, again.replayed]).toEqual([0, 10]);
    expect((await landBatch(a, batch(10), meta(20, 10))).landed).toBe(10);
    const seqs = (await rowsOf(a.bronze)).map((r) => Number(r.eh_sequence_number)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
