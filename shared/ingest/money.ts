/**
 * Money as exact cents. The contract allows a JSON number or a decimal string; both are read as
 * decimal text and never go through float arithmetic. A JSON number has already been parsed to a
 * double by then, so it is turned back into its shortest round-trip text (`String(n)`), which is
 * exactly what the sender wrote for any amount with at most 15 significant digits.
 *
 * Accepted: optional '-', digits, optionally '.' and digits, where digits past the second fraction
 * digit are zeros ("6.980" is 6.98; "6.985" is rejected). Range: decimal(18,2).
 */
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const MAX_UNSCALED = 10n ** 18n - 1n;

export type MoneyParse = { ok: true; cents: bigint } | { ok: false };

export function parseMoney(value: number | string): MoneyParse {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  return parseDecimalText(text, 2);
}

/** Parses decimal text to an integer scaled by 10^scale, rejecting non-zero digits beyond the scale. */
export function parseDecimalText(text: string, scale: number): MoneyParse {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return { ok: false };
  const [, sign = '', whole = '', fraction = ''] = m;
  if (whole.length > 19) return { ok: false };
  const kept = fraction.slice(0, scale).padEnd(scale, '0');
  if (/[^0]/.test(fraction.slice(scale))) return { ok: false };
  const digits = whole + kept;
  // Up to 15 digits a Number holds the integer exactly and parses much faster than BigInt(text).
  let unscaled = digits.length <= 15 ? BigInt(Number(digits)) : BigInt(digits);
  if (unscaled > MAX_UNSCALED) return { ok: false };
  if (sign === '-') unscaled = -unscaled;
  return { ok: true, cents: unscaled };
}

/** Cents as decimal text with two fraction digits ("-0.05", "12.30"). */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}
