/**
 * ISO-8601 instants to exact microseconds (the Delta `timestamp` value model). The contract requires
 * a zone (`Z` or `±hh:mm`): a zone-less time is ambiguous across store time zones, so it is rejected.
 * Fraction digits beyond microseconds are truncated.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

export function parseInstantMicros(text: string): bigint | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', z, sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMinutes = z ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const millis = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const micros = BigInt(frac.slice(0, 6).padEnd(6, '0'));
  return BigInt(millis) * 1000n + micros;
}

export function microsToIso(micros: bigint): string {
  const millis = micros / 1000n;
  const rest = Number(((micros % 1000n) + 1000n) % 1000n);
  const base = new Date(Number(millis - (micros < 0n && rest !== 0 ? 1n : 0n))).toISOString();
  return `${base.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

export const MICROS_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 of a UTC instant (the Delta `date` value model). */
export function microsToEpochDay(micros: bigint): number {
  const q = micros / MICROS_PER_DAY;
  return Number(micros < 0n && q * MICROS_PER_DAY !== micros ? q - 1n : q);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
