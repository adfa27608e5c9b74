/**
 * The token reader of the single-pass event scanner (scan-event.ts): a cursor over JSON text that
 * reads only the token forms the fast path handles and throws `FALLBACK` on anything else.
 *
 * Contract: every token it accepts is valid JSON whose value under JSON.parse, and then under the
 * contract's parsers (money.ts, timestamp.ts), is the value returned here. To keep that obvious it
 * accepts a subset of JSON:
 * - strings without escapes (JSON forbids raw control characters; surrogate code units, paired or
 *   lone, are left to the existing path, which rejects lone ones);
 * - numbers without sign or exponent, with the JSON rule against leading zeros;
 * - money (a number or a decimal string) of at most `MAX_CENTS`, zeros past the cents: at most 13
 *   significant digits, so the double JSON.parse makes of a number reads back (String) as the same
 *   decimal, which is what `parseMoney` sees (`moneyDigits`); exact cents in a double.
 * Values of keys the contract does not know are only checked to be JSON (`skipValue`).
 */
import { MAX_ID_LENGTH, UUID } from './pos-event-schema.js';
import { fail, moneyDigits, scaled } from './scan-digits.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DEL = 0x7f;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const DOT = 0x2e;
const ZERO = 0x30;
const DASH = 0x2d;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}

function isHexLetter(c: number): boolean {
  const lower = c | 0x20; // only A–F and a–f land in a–f
  return lower >= 0x61 && lower <= 0x66;
}

export class JsonCursor {
  /** Bounds of the last string read: its value is `text.slice(strStart, strEnd)`. */
  strStart = 0;
  strEnd = 0;
  /** Bounds of the last number read: integer digits [intStart, intEnd), fraction digits [fracStart, fracEnd). */
  private intStart = 0;
  private intEnd = 0;
  private fracStart = 0;
  private fracEnd = 0;

  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  /** Skips JSON whitespace and returns the next code unit without consuming it (NaN at the end). */
  peek(): number {
    const t = this.text;
    let i = this.pos;
    let c = t.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++i);
    this.pos = i;
    return c;
  }

  expect(c: number): void {
    if (this.peek() !== c) fail();
    this.pos++;
  }

  /** Consumes `open`; false (the closer consumed too) when the container is empty. */
  open(open: number, close: number): boolean {
    this.expect(open);
    if (this.peek() !== close) return true;
    this.pos++;
    return false;
  }

  /** After a member or element: true for ',' (another follows), false for `close`. */
  more(close: number): boolean {
    const c = this.peek();
    this.pos++;
    if (c === COMMA) return true;
    if (c !== close) fail();
    return false;
  }

  /**
   * Reads an object key followed by ':'; returns its index in `names`, -1 for another key. Tries
   * `guess` first: senders mostly write keys in schema order.
   */
  key(names: readonly string[], guess: number): number {
    this.string();
    const start = this.strStart;
    const length = this.strEnd - start;
    this.expect(COLON);
    for (let j = 0; j < names.length; j++) {
      const k = (guess + j) % names.length;
      const name = names[k] as string;
      if (name.length === length && this.text.startsWith(name, start)) return k;
    }
    return -1;
  }

  /**
   * Reads a string token without control characters or surrogate code units (such strings take the
   * full path, which rejects controls and lone surrogates in ids); without `escapes` (the values the
   * scanner reads) its value is `text.slice(strStart, strEnd)`, with them (values it skips) the escapes
   * are only checked.
   */
  string(escapes = false): void {
    if (this.peek() !== QUOTE) fail();
    const t = this.text;
    const n = t.length;
    const start = this.pos + 1;
    let i = start;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c < 0x80) {
        if (c === QUOTE) break;
        if (c < 0x20 || c === DEL) fail();
        if (c === BACKSLASH) {
          if (!escapes) fail();
          i = escapeEnd(t, i);
        }
      } else if (c <= 0x9f || (c >= 0xd800 && c <= 0xdfff)) fail(); // C1 controls, surrogates
    }
    if (i === n) fail();
    this.strStart = start;
    this.strEnd = i;
    this.pos = i + 1;
  }

  /** Skips any JSON value: that of a key the contract does not know (the schema strips those). */
  skipValue(depth = 0): void {
    const c = this.peek();
    if (c === QUOTE) this.string(true);
    else if (c === LBRACE || c === LBRACKET) {
      if (depth > 16) fail();
      const close = c + 2; // '}' and ']' follow their openers by 2
      if (this.open(c, close))
        do {
          if (c === LBRACE) {
            this.string(true);
            this.expect(COLON);
          }
          this.skipValue(depth + 1);
        } while (this.more(close));
    } else if (c === 0x6e) this.literal('null');
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else this.skipNumber();
  }

  /** A string of 1 to MAX_ID_LENGTH code units (the schema's `id`). */
  id(): string {
    this.string();
    const length = this.strEnd - this.strStart;
    if (length < 1 || length > MAX_ID_LENGTH) fail();
    return this.text.slice(this.strStart, this.strEnd);
  }

  /** A string matching the schema's `UUID`. */
  uuid(): string {
    this.string();
    const value = this.text.slice(this.strStart, this.strEnd);
    if (!UUID.test(value)) fail();
    return value;
  }

  /** Consumes `null` if it is next. */
  null(): boolean {
    if (this.peek() !== 0x6e) return false;
    this.literal('null');
    return true;
  }

  /** An integer written as plain digits (no fraction, as JSON.parse reads it exactly), at most `max`. */
  integer(max: number): number {
    this.peek();
    this.number();
    if (this.fracEnd > this.fracStart || this.intEnd - this.intStart > 15) fail();
    const v = scaled(this.text, this.intStart, this.intEnd, this.fracStart, this.fracEnd, 0);
    if (v > max) fail();
    return v;
  }

  /** A positive quantity with ≤ 9 integer and ≤ 3 fraction digits, in thousandths. */
  quantityMilli(): number {
    this.peek();
    this.number();
    if (this.intEnd - this.intStart > 9 || this.fracEnd - this.fracStart > 3) fail();
    return scaled(this.text, this.intStart, this.intEnd, this.fracStart, this.fracEnd, 3);
  }

  /** A money amount (a JSON number or a decimal string, see the header) in cents. */
  moneyCents(): number {
    if (this.peek() === QUOTE) {
      this.string();
      const t = this.text;
      const end = this.strEnd;
      let i = this.strStart;
      const intStart = i;
      while (i < end && isDigit(t.charCodeAt(i))) i++;
      const intEnd = i;
      let fracStart = i;
      if (i < end) {
        if (t.charCodeAt(i) !== DOT) fail();
        fracStart = ++i;
        while (i < end && isDigit(t.charCodeAt(i))) i++;
        if (i < end || i === fracStart) fail();
      }
      return moneyDigits(t, intStart, intEnd, fracStart, end, true);
    }
    this.number();
    return moneyDigits(this.text, this.intStart, this.intEnd, this.fracStart, this.fracEnd, false);
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) fail();
    this.pos += word.length;
  }

  /** Any JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private skipNumber(): void {
    const t = this.text;
    if (t.charCodeAt(this.pos) === DASH) this.pos++;
    this.number();
    let i = this.pos;
    let c = t.charCodeAt(i);
    if (c !== 0x65 && c !== 0x45) return;
    c = t.charCodeAt(++i);
    if (c === 0x2b || c === DASH) c = t.charCodeAt(++i);
    if (!isDigit(c)) fail();
    while (isDigit(t.charCodeAt(i))) i++;
    this.pos = i;
  }

  /** Reads an unsigned JSON number without exponent at `pos`, recording its digit bounds. */
  private number(): void {
    const t = this.text;
    let i = this.pos;
    let c = t.charCodeAt(i);
    if (!isDigit(c)) fail();
    this.intStart = i;
    if (c === ZERO) c = t.charCodeAt(++i);
    else while (isDigit(c)) c = t.charCodeAt(++i);
    this.intEnd = i;
    if (c === DOT) {
      const fracStart = ++i;
      while (isDigit(t.charCodeAt(i))) i++;
      if (i === fracStart) fail();
      this.fracStart = fracStart;
      this.fracEnd = i;
    } else {
      this.fracStart = this.fracEnd = i;
    }
    this.pos = i;
  }
}

/** The index of the last unit of the escape sequence at text[i] ('\\'), as JSON defines them. */
function escapeEnd(t: string, i: number): number {
  const next = t.charAt(i + 1); // '' past the end
  if (next !== '' && '"\\/bfnrt'.includes(next)) return i + 1;
  if (next !== 'u') fail();
  for (let k = 2; k < 6; k++) {
    const h = t.charCodeAt(i + k);
    if (!(isDigit(h) || isHexLetter(h))) fail();
  }
  return i + 5;
}
