import { describe, expect, it } from 'vitest';
import { nextOccurrence, occurrences, parseSchedule, ScheduleError } from '../../../shared/local/ncrontab.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0); // Thursday 2026-01-01T00:00:00Z

describe('NCRONTAB schedules', () => {
  const table: [string, string[]][] = [
    ['*/15 * * * * *', ['2026-01-01T00:00:15.000Z', '2026-01-01T00:00:30.000Z', '2026-01-01T00:00:45.000Z']],
    ['0 */5 * * * *', ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']],
    ['0 30 9 * * 1-5', ['2026-01-01T09:30:00.000Z', '2026-01-02T09:30:00.000Z', '2026-01-05T09:30:00.000Z']],
    ['0 0 2 * * SUN', ['2026-01-04T02:00:00.000Z', '2026-01-11T02:00:00.000Z', '2026-01-18T02:00:00.000Z']],
    ['0 0 0 1 JAN,JUL *', ['2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z']],
    ['5,10 0 12 * * *', ['2026-01-01T12:00:05.000Z', '2026-01-01T12:00:10.000Z', '2026-01-02T12:00:05.000Z']],
    ['0 0 9-17/4 * * *', ['2026-01-01T09:00:00.000Z', '2026-01-01T13:00:00.000Z', '2026-01-01T17:00:00.000Z']],
    ['0 0 0 29 2 *', ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z', '2036-02-29T00:00:00.000Z']],
    // NCrontab ANDs day-of-month and day-of-week: the 13th that is a Friday.
    ['0 0 0 13 * 5', ['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z', '2026-11-13T00:00:00.000Z']],
    ['0 0 0 * * 7', ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-18T00:00:00.000Z']],
    ['00:05:00', ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']],
    ['1.00:00:00', ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z']],
  ];
  for (const [schedule, expected] of table) {
    it(`${schedule} → ${expected[0]} …`, () => {
      expect(occurrences(parseSchedule(schedule), T0, 3)).toEqual(expected);
    });
  }

  it('is strictly after the given instant, also mid-second', () => {
    const s = parseSchedule('* * * * * *');
    expect(nextOccurrence(s, T0 + 500)).toBe(T0 + 1000);
    expect(nextOccurrence(s, T0)).toBe(T0 + 1000);
  });

  const invalid = ['* * * * *', '60 * * * * *', '* * 24 * * *', '* * * 0 * *', '* * * * 13 *', '*/0 * * * * *', 'a * * * * *', '5-1 * * * * *', '* * * * * MOO'];
  for (const schedule of invalid) {
    it(`rejects "${schedule}"`, () => {
      expect(() => parseSchedule(schedule)).toThrow(ScheduleError);
    });
  }
});
