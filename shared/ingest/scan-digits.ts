/**
 * Digits to exact numbers for the single-pass event scanner, and its bail-out: `fail()` throws the
 * one preallocated `FALLBACK` whenever the text leaves the fast path (the full path then decides).
 * Money is exact cents in a double, at most `MAX_CENTS`.
 */

/** Thrown (one preallocated instance, no stack capture) when the text leaves the fast path. */
export const FALLBACK = new Error('not a fast-path event');

export function fail(): never {
  throw FALLBACK;
}

/** The largest money amount in cents the fast path takes: Σ of 1,000 lines stays a safe integer. */
export const MAX_CENTS = 1e12;

const ZERO = 0x30;

/**
 * Money from its digits (integer part [intStart, intEnd), fraction [fracStart, fracEnd)) in cents;
 * a decimal string (`quoted`) has 1 to 19 integer digits, leading zeros included (parseDecimalText).
 */
export function moneyDigits(
  t: string,
  intStart: number,
  intEnd: number,
  fracStart: number,
  fracEnd: number,
  quoted: boolean,
): number {
  if (quoted && (intEnd === intStart || intEnd - intStart > 19)) fail();
  const cents = scaled(t, intStart, intEnd, fracStart, fracEnd, 2);
  if (cents > MAX_CENTS) fail(); // also catches long digit strings, whose doubles are not exact
  return cents;
}

/**
 * The decimal int.frac times 10^scale, where fraction digits past the scale must be zeros (as in
 * parseDecimalText). Exact while the result stays below 2^53; callers bound it.
 */
export function scaled(
  t: string,
  intStart: number,
  intEnd: number,
  fracStart: number,
  fracEnd: number,
  scale: number,
): number {
  let v = 0;
  for (let i = intStart; i < intEnd; i++) v = v * 10 + (t.charCodeAt(i) - ZERO);
  for (let k = 0; k < scale; k++)
    v = v * 10 + (fracStart + k < fracEnd ? t.charCodeAt(fracStart + k) - ZERO : 0);
  for (let i = fracStart + scale; i < fracEnd; i++) if (t.charCodeAt(i) !== ZERO) fail();
  return v;
}
