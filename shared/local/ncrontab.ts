/**
 * NCRONTAB schedules as the Functions timer trigger reads them: six fields
 * `{second} {minute} {hour} {day} {month} {day-of-week}` with `*`, values, ranges `a-b`, steps `/n`,
 * lists `a,b` and English names (JAN–DEC, SUN–SAT). Like NCrontab, day-of-month and day-of-week must
 * BOTH match (classic cron ORs them). A `hh:mm:ss` / `d.hh:mm:ss` TimeSpan is a fixed interval.
 * Times are evaluated in UTC (the host's default, WEBSITE_TIME_ZONE unset).
 */

export type Schedule =
  { kind: 'cron'; text: string; fields: CronFields } | { kind: 'interval'; text: string; intervalMs: number };

export interface CronFields {
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
}

export class ScheduleError extends Error {
  constructor(
    readonly schedule: string,
    reason: string,
  ) {
    super(`invalid schedule "${schedule}": ${reason}`);
    this.name = 'ScheduleError';
  }
}

export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(trimmed);
  if (span !== null) {
    const [, d, h, m, s] = span;
    const intervalMs = (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (intervalMs <= 0) throw new ScheduleError(text, 'interval must be positive');
    return { kind: 'interval', text: trimmed, intervalMs };
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 6)
    throw new ScheduleError(
      text,
      `expected 6 fields (second minute hour day month day-of-week), got ${parts.length}`,
    );
  const [sec, min, hour, day, month, dow] = parts as [string, string, string, string, string, string];
  return {
    kind: 'cron',
    text: trimmed,
    fields: {
      seconds: parseField(text, sec, 0, 59, 'second'),
      minutes: parseField(text, min, 0, 59, 'minute'),
      hours: parseField(text, hour, 0, 23, 'hour'),
      days: parseField(text, day, 1, 31, 'day'),
      months: parseField(text, month, 1, 12, 'month', MONTHS),
      daysOfWeek: normaliseSunday(parseField(text, dow, 0, 7, 'day-of-week', DAYS)),
    },
  };
}

/** The first occurrence strictly after `after` (epoch ms), or undefined if none within ~5 years. */
export function nextOccurrence(schedule: Schedule, after: number): number | undefined {
  if (schedule.kind === 'interval') return after + schedule.intervalMs;
  const f = schedule.fields;
  const t = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const limit = after + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!f.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!f.days.has(t.getUTCDate()) || !f.daysOfWeek.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!f.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!f.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!f.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
      continue;
    }
    return t.getTime();
  }
  return undefined;
}

/** The next `count` occurrences after `after`, as ISO strings (for listings and tests). */
export function occurrences(schedule: Schedule, after: number, count: number): string[] {
  const result: string[] = [];
  let cursor = after;
  for (let i = 0; i < count; i++) {
    const next = nextOccurrence(schedule, cursor);
    if (next === undefined) break;
    result.push(new Date(next).toISOString());
    cursor = next;
  }
  return result;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseField(
  schedule: string,
  field: string,
  min: number,
  max: number,
  what: string,
  names?: string[],
): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (range === undefined || range === '' || extra !== undefined)
      throw new ScheduleError(schedule, `bad ${what} field "${field}"`);
    const step = stepText === undefined ? 1 : integer(schedule, stepText, what);
    if (step < 1) throw new ScheduleError(schedule, `${what} step must be at least 1`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else {
      const [a, b, more] = range.split('-');
      if (a === undefined || more !== undefined)
        throw new ScheduleError(schedule, `bad ${what} range "${range}"`);
      from = value(schedule, a, what, names, min);
      to = b === undefined ? (stepText === undefined ? from : max) : value(schedule, b, what, names, min);
    }
    if (from < min || to > max || from > to)
      throw new ScheduleError(schedule, `${what} "${item}" outside ${min}-${max}`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(
  schedule: string,
  text: string,
  what: string,
  names: string[] | undefined,
  min: number,
): number {
  const index = names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + min;
  return integer(schedule, text, what);
}

function integer(schedule: string, text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new ScheduleError(schedule, `${what} "${text}" is not a number`);
  return Number(text);
}

function normaliseSunday(days: Set<number>): Set<number> {
  if (days.delete(7)) days.add(0);
  return days;
}
