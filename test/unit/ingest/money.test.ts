import { describe, expect, test } from 'vitest';
import { formatCents, parseMoney } from '../../../shared/ingest/money.js';
import { microsToEpochDay, microsToIso, parseInstantMicros } from '../../../shared/ingest/timestamp.js';

describe('money', () => {
  test.each([
    [19.99, 1999n],
    ['19.99', 1999n],
    [0.1, 10n],
    ['6.980', 698n],
    ['-0.05', -5n],
    [-0, 0n],
    ['9999999999999999.99', 999999999999999999n],
    [123456789012.34, 12345678901234n],
  ])('%s → %s cents', (input, cents) => {
    expect(parseMoney(input)).toEqual({ ok: true, cents });
  });

  test.each([
    ['1.005'],
    [0.1 + 0.2],
    [1e-7],
    [1e21],
    ['1e3'],
    [''],
    ['.5'],
    ['12.'],
    ['10000000000000000.00'],
    ['0x10'],
    [Number.NaN],
  ])('%s is rejected', (input) => {
    expect(parseMoney(input).ok).toBe(false);
  });

  test('formatCents', () => {
    expect([formatCents(1230n), formatCents(-5n), formatCents(0n)]).toEqual(['12.30', '-0.05', '0.00']);
  });
});

describe('timestamps', () => {
  test('exact microseconds, offsets, and rejects of zone-less or impossible dates', () => {
    const m = parseInstantMicros('2026-11-25T14:03:11.123456789Z');
    expect(m).toBe(BigInt(Date.parse('2026-11-25T14:03:11.123Z')) * 1000n + 456n);
    expect(microsToIso(m ?? 0n)).toBe('2026-11-25T14:03:11.123456Z');
    expect(parseInstantMicros('2026-11-25T23:30:00+05:30')).toBe(
      BigInt(Date.parse('2026-11-25T18:00:00Z')) * 1000n,
    );
    expect([
      parseInstantMicros('2026-11-25T14:03:11'),
      parseInstantMicros('2026-02-30T00:00:00Z'),
      parseInstantMicros('yesterday'),
    ]).toEqual([undefined, undefined, undefined]);
    expect([microsToEpochDay(0n), microsToEpochDay(-1n), microsToEpochDay(86_400_000_000n)]).toEqual([
      0, -1, 1,
    ]);
  });
});
