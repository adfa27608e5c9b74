import { describe, expect, test } from 'vitest';
import {
  parseDecimalString,
  parsePartitionValue,
  parseTimestampMicros,
} from '../../../shared/delta/read/partition-values.js';
import {
  formatDate,
  formatDecimal,
  formatTimestampMicros,
  valueToJson,
} from '../../../shared/delta/read/json-rows.js';
import { serializePartitionValue, partitionDirectory } from '../../../shared/delta/write/partition-path.js';
import {
  canonicalPathKey,
  encodeAddPath,
  escapePartitionComponent,
} from '../../../shared/delta/protocol/paths.js';
import { computeStats, statsToJson } from '../../../shared/delta/write/stats.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { parseInterval } from '../../../shared/delta/protocol/table-properties.js';

describe('partition values', () => {
  test('round-trip every partitionable type through the log string', () => {
    const cases: [string, unknown, string][] = [
      ['string', 'S0042', 'S0042'],
      ['long', 9007199254740993n, '9007199254740993'],
      ['integer', -5, '-5'],
      ['double', 1, '1.0'],
      ['boolean', false, 'false'],
      ['date', 20417, '2025-11-25'],
      ['timestamp', 1_764_079_391_123_456n, '2025-11-25T14:03:11.123456Z'],
      ['decimal(18,2)', -1230n, '-12.30'],
    ];
    for (const [type, value, text] of cases) {
      expect(serializePartitionValue(value, type as never)).toBe(text);
      expect(parsePartitionValue(text, type as never, 'c')).toEqual(value);
    }
  });

  test('null and empty string are null', () => {
    expect(parsePartitionValue(null, 'string', 'c')).toBeNull();
    expect(parsePartitionValue('', 'integer', 'c')).toBeNull();
    expect(serializePartitionValue('', 'string')).toBeNull();
  });

  test('legacy zone-less timestamps read in the session zone, ISO ones keep their zone', () => {
    expect(parseTimestampMicros('2021-09-08 11:11:11', 'c', 'UTC')).toBe(1631099471000000n);
    expect(parseTimestampMicros('2021-09-08 11:11:11', 'c', 'America/Los_Angeles')).toBe(1631124671000000n);
    expect(parseTimestampMicros('2021-09-08T11:11:11.5+02:00')).toBe(1631092271500000n);
  });

  test('decimal strings keep exact digits and refuse silent truncation', () => {
    expect(parseDecimalString('1.230000000000000000', 18)).toBe(1230000000000000000n);
    expect(parseDecimalString('12.3', 2)).toBe(1230n);
    expect(parseDecimalString('-0.5', 2)).toBe(-50n);
    expect(() => parseDecimalString('1.234', 2)).toThrow(/decimal places/);
  });

  test('Hive directory escaping and add.path URI encoding (double-encodes %)', () => {
    expect(escapePartitionComponent('2024-01-01 10:00:00')).toBe('2024-01-01 10%3A00%3A00');
    expect(encodeAddPath('ts=2024-01-01 10%3A00%3A00/part-0.parquet')).toBe(
      'ts=2024-01-01%2010%253A00%253A00/part-0.parquet',
    );
    expect(partitionDirectory(['d', 's'], { d: '2025-01-01', s: null })).toBe(
      'd=2025-01-01/s=__HIVE_DEFAULT_PARTITION__',
    );
  });

  test('canonical path keys unify file: forms and decode once', () => {
    expect(canonicalPathKey('/a/b%20c')).toBe(canonicalPathKey('file:///a/b%20c'));
    expect(canonicalPathKey('file:/a/b')).toBe(canonicalPathKey('/a/b'));
    expect(canonicalPathKey('x%2Dy')).toBe('x-y');
  });
});

describe('scan JSON format', () => {
  test('formats decimals, dates and timestamps exactly', () => {
    expect(formatDecimal(5n, 2)).toBe('0.05');
    expect(formatDecimal(-123456789012345678901234567890n, 10)).toBe('-12345678901234567890.1234567890');
    expect(formatDate(-1)).toBe('1969-12-31');
    expect(formatTimestampMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(valueToJson(2n ** 63n - 1n, 'long')).toBe('9223372036854775807');
    expect(valueToJson(Math.fround(0.1), 'float')).toBe('0.1');
    expect(valueToJson(Number.NaN, 'double')).toBe('"NaN"');
    expect(valueToJson(new Uint8Array([0, 255]), 'binary')).toBe('"AP8="');
  });
});

describe('stats', () => {
  test('min/max/nullCount with Spark truncation rules', () => {
    const long = 'x'.repeat(40);
    const s2 = struct(
      field('s', 'string'),
      field('ts', 'timestamp'),
      field('amt', 'decimal(18,2)'),
      field('ok', 'boolean'),
    );
    const stats = computeStats(
      s2,
      [
        ['b', long, null],
        [1_000_500n, 2_000_001n, null],
        [1999n, -5n, null],
        [true, null, false],
      ],
      3,
    );
    expect(stats.numRecords).toBe(3);
    expect(stats.minValues).toMatchObject({ s: 'b', ts: '1970-01-01T00:00:01.000Z' });
    expect(stats.maxValues.s).toBe('x'.repeat(32) + '\u{10FFFF}');
    expect(stats.maxValues.ts).toBe('1970-01-01T00:00:02.001Z');
    expect(stats.nullCount).toEqual({ s: 1, ts: 1, amt: 1, ok: 1 });
    expect(stats.minValues).not.toHaveProperty('ok');
    const json = statsToJson(stats);
    expect(json).toContain('"amt":-0.05');
    expect(json).toContain('"amt":19.99');
  });

  test('only the first N leaf columns are indexed', () => {
    const s = struct(field('a', 'integer'), field('b', 'integer'), field('c', 'integer'));
    const stats = computeStats(s, [[1], [2], [3]], 1, 2);
    expect(Object.keys(stats.nullCount)).toEqual(['a', 'b']);
  });
});

test('Spark intervals', () => {
  expect(parseInterval('interval 1 week')).toBe(7 * 86_400_000);
  expect(parseInterval('interval 2 days 12 hours')).toBe(2.5 * 86_400_000);
  expect(parseInterval('nonsense')).toBeUndefined();
});
