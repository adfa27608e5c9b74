/**
 * Local wall-clock time in an IANA zone ↔ UTC instant, via Intl (no tz library). Offsets are cached per
 * zone and UTC minute: zone offsets only ever change on a minute boundary, so the cache is exact.
 * Used for Spark's legacy zone-less timestamp partition values and by the POS simulator.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Zone offset (local − UTC) in minutes at a UTC instant. */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const minute = Math.floor(utcMs / 60_000);
  const key = `${timeZone}|${minute}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(minute * 60_000)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const minutes = Math.round((local - minute * 60_000) / 60_000);
  offsets.set(key, minutes);
  return minutes;
}

/** The UTC instant of a local wall-clock time given as "UTC-like" ms (Date.UTC of the local fields). */
export function localToUtc(timeZone: string, localAsUtcMs: number): number {
  let utc = localAsUtcMs - zoneOffsetMinutes(timeZone, localAsUtcMs) * 60_000;
  utc = localAsUtcMs - zoneOffsetMinutes(timeZone, utc) * 60_000;
  return utc;
}

/** ISO-8601 with the zone's offset, e.g. 2026-11-25T09:03:11.123-05:00 (what registers send). */
export function isoWithOffset(utcMs: number, timeZone: string): string {
  const off = zoneOffsetMinutes(timeZone, utcMs);
  const local = new Date(utcMs + off * 60_000).toISOString().slice(0, -1);
  if (off === 0) return `${local}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
