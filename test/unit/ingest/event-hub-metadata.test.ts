import { describe, expect, test } from 'vitest';
import { batchMetadataFromTrigger, toMicros, toSequence } from '../../../shared/ingest/event-hub-metadata.js';

describe('Event Hub trigger metadata', () => {
  test('sequence numbers as numbers, strings, bigints and Long objects', () => {
    expect([
      toSequence(5),
      toSequence('6'),
      toSequence(7n),
      toSequence({ low: 8, high: 0, unsigned: false }),
      toSequence({ low: 0, high: 1 }),
    ]).toEqual([5, 6, 7, 8, 2 ** 32]);
    expect([toSequence(-1), toSequence(1.5), toSequence('x'), toSequence(null)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('enqueued times with and without a zone are UTC', () => {
    expect(toMicros('2026-11-25T14:59:00.5')).toBe(BigInt(Date.parse('2026-11-25T14:59:00.500Z')) * 1000n);
    expect(toMicros('2026-11-25T14:59:00.5+01:00')).toBe(
      BigInt(Date.parse('2026-11-25T13:59:00.500Z')) * 1000n,
    );
  });

  test('per-event values prefer systemPropertiesArray; a short partitionKeyArray is not indexed', () => {
    const meta = batchMetadataFromTrigger(
      {
        partitionContext: { consumerGroup: 'cg', partitionId: '4', eventHubName: 'hub' },
        sequenceNumberArray: [10, 11],
        offsetArray: [100, 200],
        enqueuedTimeUtcArray: ['2026-11-25T00:00:00', '2026-11-25T00:00:01'],
        partitionKeyArray: ['only-one'],
        systemPropertiesArray: [{ sequenceNumber: 10, partitionKey: 'S1' }, {}],
      },
      2,
      { consumerGroup: '$Default' },
    );
    expect(meta.streamId).toBe('eh-hub-cg-4');
    expect(meta.positions).toEqual([
      {
        sequenceNumber: 10,
        offset: '100',
        enqueuedTimeMicros: BigInt(Date.parse('2026-11-25T00:00:00Z')) * 1000n,
        partitionKey: 'S1',
      },
      {
        sequenceNumber: 11,
        offset: '200',
        enqueuedTimeMicros: BigInt(Date.parse('2026-11-25T00:00:01Z')) * 1000n,
        partitionKey: null,
      },
    ]);
  });

  test('without partition context or sequence numbers there is no stream (no watermark)', () => {
    expect(batchMetadataFromTrigger(undefined, 3, { consumerGroup: '$Default' }).streamId).toBeUndefined();
    expect(
      batchMetadataFromTrigger({ partitionContext: { partitionId: '1' }, sequenceNumberArray: [1] }, 2, {
        consumerGroup: '$Default',
      }).streamId,
    ).toBeUndefined();
  });
});
