/**
 * `parseInstantMicros` (timestamp.ts) for the single-pass scanner: the same grammar, range checks and
 * arithmetic on a slice of the event text, without the regex and with microseconds as a number. It
 * throws the scanner's FALLBACK for anything it does not take: what timestamp.ts rejects, years before
 * 100 (Date.UTC maps 0–99 to the 1900s) and instants whose microseconds are not safe integers.
 */
import { fail } from './scan-digits.js';

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}

/**
 * `parseInstantMicros` of text[start, end) without the regex: the same grammar
 * (yyyy-mm-dd[Tt ]hh:mm[:ss[(.|,)f{1,9}]](Z|z|±hh[:]mm)), range checks and arithmetic.
 */
export function instantMicros(t: string, start: number, end: number): number {
  // Every read stops at `end` at the latest: the closing quote there matches no expected character.
  const year = fixed(t, start, 4);
  if (t.charCodeAt(start + 4) !== DASH || t.charCodeAt(start + 7) !== DASH) fail();
  const month = fixed(t, start + 5, 2);
  const day = fixed(t, start + 8, 2);
  const sep = t.charCodeAt(start + 10);
  if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) fail();
  const hour = fixed(t, start + 11, 2);
  if (t.charCodeAt(start + 13) !== COLON) fail();
  const minute = fixed(t, start + 14, 2);
  let i = start + 16;
  let second = 0;
  let micros = 0;
  if (t.charCodeAt(i) === COLON) {
    second = fixed(t, i + 1, 2);
    i += 3;
    const c = t.charCodeAt(i);
    if (c === 0x2e || c === 0x2c) {
      const fracStart = ++i;
      while (i < end && isDigit(t.charCodeAt(i))) i++;
      const n = i - fracStart;
      if (n < 1 || n > 9) fail();
      for (let k = 0; k < 6; k++) micros = micros * 10 + (k < n ? t.charCodeAt(fracStart + k) - ZERO : 0);
    }
  }
  let offsetMinutes = 0;
  const zone = t.charCodeAt(i);
  if (zone === 0x5a || zone === 0x7a) i++;
  else if (zone === 0x2b || zone === DASH) {
    const oh = fixed(t, i + 1, 2);
    i += 3;
    if (t.charCodeAt(i) === COLON) i++;
    const om = fixed(t, i, 2);
    i += 2;
    if (oh > 23 || om > 59) fail();
    offsetMinutes = (zone === DASH ? -1 : 1) * (oh * 60 + om);
  } else fail();
  if (i !== end || year < 100) fail();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) fail();
  if (hour > 23 || minute > 59 || second > 59) fail();
  const millis = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  // millis × 1000 is exact below 2^54 (it is even); beyond, the sum cannot come back to a safe integer.
  const result = millis * 1000 + micros;
  if (!Number.isSafeInteger(result)) fail();
  return result;
}

/** `n` ASCII digits at text[i, i + n). */
function fixed(t: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = t.charCodeAt(i + k);
    if (!isDigit(c)) fail();
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/** Proleptic Gregorian, as Date.UTC for years ≥ 100. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return 30 + ((month + (month >> 3)) & 1);
}
