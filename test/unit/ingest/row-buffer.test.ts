/**
 * RowBuffer: 64-bit integer columns live in BigInt64Arrays until a null (or a value the writer must
 * judge) arrives; either way the columns hold the pushed values, in order.
 */
import { describe, expect, test } from 'vitest';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { RowBuffer } from '../../../shared/ingest/row-buffer.js';

const SCHEMA = struct(
  field('id', 'string', false),
  field('at', 'timestamp', false),
  field('amount', 'decimal(18,2)', false),
  field('points', 'long'),
  field('count', 'integer', false),
  field('ingest_time', 'timestamp', false),
  field('source', 'string', false),
);
const PER_ROW = ['id', 'at', 'amount', 'points', 'count'];
const CONSTANTS = { ingest_time: 1_700_000_000_000_000n, source: 'file' };

function rows(values: unknown[][], capacity = 2): RowBuffer {
  const buffer = new RowBuffer(SCHEMA, PER_ROW, CONSTANTS, capacity);
  values.forEach((v, i) => buffer.push(i, v));
  return buffer;
}

describe('RowBuffer', () => {
  test('64-bit columns as BigInt64Arrays, growing past the capacity; the rest as arrays', () => {
    const cols = rows([
      ['a', 1n, 100n, 5n, 1],
      ['b', -2n, 0n, 6n, 2],
      ['c', 3n, 999_999_999_999_999_999n, 7n, 3],
    ]).toColumns(SCHEMA);
    expect(cols.at).toBeInstanceOf(BigInt64Array);
    expect([...(cols.at ?? [])]).toEqual([1n, -2n, 3n]);
    expect([...(cols.amount ?? [])]).toEqual([100n, 0n, 999_999_999_999_999_999n]);
    expect(cols.points).toBeInstanceOf(BigInt64Array);
    expect(cols.id).toEqual(['a', 'b', 'c']);
    expect(cols.count).toEqual([1, 2, 3]);
    expect(cols.ingest_time).toBeInstanceOf(BigInt64Array);
    expect([...(cols.ingest_time ?? [])]).toEqual(Array(3).fill(CONSTANTS.ingest_time));
    expect(cols.source).toEqual(['file', 'file', 'file']);
  });

  test('a null, or a bigint beyond 64 bits, turns the column into an array of what was pushed', () => {
    const cols = rows([
      ['a', 1n, 1n, 5n, 1],
      ['b', 2n, 2n, null, 2],
      ['c', 3n, 2n ** 63n, 7n, 3],
    ]).toColumns(SCHEMA);
    expect(cols.points).toEqual([5n, null, 7n]);
    expect(cols.amount).toEqual([1n, 2n, 2n ** 63n]); // the writer rejects it, as before
    expect(cols.at).toBeInstanceOf(BigInt64Array);
  });

  test('above(mark) keeps the later rows, typed columns included', () => {
    const buffer = rows([
      ['a', 1n, 1n, 5n, 1],
      ['b', 2n, 2n, 6n, 2],
      ['c', 3n, 3n, 7n, 3],
    ]);
    expect(buffer.above(-1)).toBe(buffer);
    const later = buffer.above(0);
    expect(later.seqs).toEqual([1, 2]);
    const cols = later.toColumns(SCHEMA);
    expect([...(cols.at ?? [])]).toEqual([2n, 3n]);
    expect(cols.id).toEqual(['b', 'c']);
  });
});
