/**
 * The scanner's instant parser (scan-instant.ts) against timestamp.ts: wherever it answers, it gives
 * parseInstantMicros' value, and it declines only what that rejects, years before 100 and instants
 * whose microseconds are not safe integers.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { instantMicros } from '../../../shared/ingest/scan-instant.js';
import { parseInstantMicros } from '../../../shared/ingest/timestamp.js';

function digits(n: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
}

/** Mostly in range, sometimes any digits or an edge. */
function field(min: number, max: number, width: number, ...edges: string[]): fc.Arbitrary<string> {
  const inRange = fc.integer({ min, max }).map((v) => String(v).padStart(width, '0'));
  return fc.oneof({ weight: 8, arbitrary: inRange }, digits(width), fc.constantFrom(...edges));
}

const instantLike = fc
  .record({
    year: field(
      1970,
      2100,
      4,
      '0000',
      '0099',
      '0100',
      '1600',
      '1900',
      '2000',
      '2100',
      '2255',
      '2256',
      '9999',
    ),
    month: field(1, 12, 2, '00', '02', '13'),
    day: field(1, 28, 2, '00', '29', '30', '31', '32'),
    sep: fc.constantFrom('T', 'T', 't', ' ', '_', 'TT'),
    hour: field(0, 23, 2, '24'),
    minute: field(0, 59, 2, '60'),
    second: fc.option(field(0, 59, 2, '60'), { nil: undefined }),
    fraction: fc.option(fc.tuple(fc.constantFrom('.', ','), fc.nat(11).chain(digits)), { nil: undefined }),
    zone: fc.constantFrom(
      'Z',
      'z',
      '+05:30',
      '-0800',
      '+00:00',
      '-23:59',
      '+24:00',
      '+23:60',
      '',
      '+5:30',
      'ZZ',
    ),
  })
  .map((p) => {
    const seconds = p.second === undefined ? '' : `:${p.second}${p.fraction ? p.fraction.join('') : ''}`;
    return `${p.year}-${p.month}-${p.day}${p.sep}${p.hour}:${p.minute}${seconds}${p.zone}`;
  });

function fast(text: string): number | undefined {
  try {
    return instantMicros(text, 0, text.length);
  } catch {
    return undefined;
  }
}

describe('instantMicros ≡ parseInstantMicros', () => {
  test('same value wherever it answers; declines only years < 100 and unsafe microseconds', () => {
    let answered = 0;
    fc.assert(
      fc.property(instantLike, (text) => {
        const value = fast(text);
        const expected = parseInstantMicros(text);
        if (value !== undefined) {
          answered++;
          expect(BigInt(value)).toBe(expected);
        } else if (expected !== undefined) {
          const unsafe =
            expected > BigInt(Number.MAX_SAFE_INTEGER) || expected < -BigInt(Number.MAX_SAFE_INTEGER);
          expect(Number(text.slice(0, 4)) < 100 || unsafe).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(answered).toBeGreaterThan(500);
  });

  test.each([
    ['2026-11-25T14:03:11.123Z', true],
    ['2024-02-29T00:00Z', true],
    ['2000-02-29 00:00:00+01:00', true],
    ['2100-02-29T00:00:00Z', false],
    ['2026-04-31T00:00:00Z', false],
    ['2026-11-25T24:00:00Z', false],
    ['2026-11-25T14:03:11.1234567890Z', false],
    ['2026-11-25T14:03:11', false],
    ['0000-02-29T00:00:00Z', false], // Date.UTC reads year 0 as 1900, which has no 29 February
  ])('%s → %s', (text, answers) => {
    expect(fast(text) !== undefined).toBe(answers);
    if (answers) expect(BigInt(fast(text) ?? NaN)).toBe(parseInstantMicros(text));
  });
});
