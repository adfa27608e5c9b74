/**
 * Turns one delivered event body into a JSON object, whatever shape the host handed over, and never
 * throws. The Functions host delivers Event Hub bodies as strings that `@azure/functions` has already
 * `JSON.parse`d when it could (objects, numbers, booleans), `Buffer`s for binary data, and plain
 * strings otherwise; the CLI and HTTP paths hand over text.
 *
 * The raw body is kept for the quarantine table: text as it arrived ('utf8'), bytes that are not UTF-8
 * as 'base64', and text with lone surrogates (unwritable as UTF-8) as a JSON string literal ('json').
 * An already-parsed object's raw text is its re-serialisation: the host kept no other.
 */
import { isAscii } from 'node:buffer';
import type { Rejection } from './reason-codes.js';
import { rejection } from './reason-codes.js';

export type RawEncoding = 'utf8' | 'base64' | 'json';

export interface RawBody {
  encoding: RawEncoding;
  body: string;
  /** Only the first `maxBytes` (characters or bytes) of an oversized body are kept. */
  truncated?: boolean;
}

export type Decoded =
  | { ok: true; value: Record<string, unknown>; rawText: string }
  | { ok: false; rejection: Rejection; raw: RawBody };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** String.prototype.isWellFormed (Node ≥ 20, ES2024; not in our lib yet): native, ~20× the regex. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether `text` holds an unpaired UTF-16 surrogate (unwritable as UTF-8). */
function hasLoneSurrogate(text: string): boolean {
  return isWellFormed ? !isWellFormed.call(text) : LONE_SURROGATE.test(text);
}
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * `fullBytes`: the body's size when `body` is only its head (a file line longer than the limit, cut by
 * the reader); such a head is over the limit and reported with this size.
 */
export function decodeBody(body: unknown, maxBytes: number, fullBytes?: number): Decoded {
  if (body instanceof Uint8Array) return decodeBytes(body, maxBytes, fullBytes);
  if (body instanceof ArrayBuffer) return decodeBytes(new Uint8Array(body), maxBytes);
  if (typeof body === 'string') return decodeText(body, maxBytes);
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    let text: string | undefined;
    try {
      text = JSON.stringify(body);
    } catch {
      text = undefined;
    }
    if (text === undefined)
      return fail('body_not_json', 'the object cannot be serialised as JSON', {
        encoding: 'utf8',
        body: safeString(body),
      });
    if (utf8Length(text, maxBytes) > maxBytes) return tooLarge(text, maxBytes);
    if (hasLoneSurrogate(text))
      return fail('body_not_utf8', 'the body contains unpaired UTF-16 surrogates', {
        encoding: 'json',
        body: JSON.stringify(text),
      });
    return { ok: true, value: body as Record<string, unknown>, rawText: text };
  }
  let text: string;
  try {
    text = body === undefined ? '' : (JSON.stringify(body) ?? safeString(body));
  } catch {
    text = safeString(body);
  }
  if (
    body === undefined ||
    typeof body === 'function' ||
    typeof body === 'symbol' ||
    typeof body === 'bigint'
  ) {
    return fail('body_not_json', `the body is ${body === undefined ? 'empty' : `a ${typeof body}`}`, {
      encoding: 'utf8',
      body: text,
    });
  }
  const kind = Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body;
  const head = truncate(text, maxBytes);
  const raw: RawBody = hasLoneSurrogate(head)
    ? { encoding: 'json', body: JSON.stringify(head), truncated: head.length < text.length }
    : { encoding: 'utf8', body: head, truncated: head.length < text.length };
  return fail('body_not_object', `the body is JSON ${kind}, not an object`, raw);
}

/**
 * Byte-body totals between which a batch is decoded at once (see `asciiBodiesAsText`). Below, one
 * decode per body is cheaper (one copy instead of two: a 1k batch lands 10 % faster so) and the
 * young generation holds the texts anyway; above the maximum, one string could not (a string is at
 * most ~512 MiB).
 */
export const BATCH_TEXT_BYTES = { min: 2 << 20, max: 64 << 20 };

/**
 * `bytesAsText` for every byte body of a batch at once, when they are all ASCII (the common case:
 * POS JSON): one copy of the bodies, one decode, and each body's text a slice of that one string.
 * A 10k batch's texts then live in one large object instead of 10k young strings that the garbage
 * collector copies (and promotes) until the batch is written — that copying cost about a tenth of
 * the landing. ASCII has no byte-order mark and is valid UTF-8, so each slice is exactly what
 * `bytesAsText` gives; bodies over the size limit are left out (no text), as there. Undefined when a
 * byte body within the limit is not ASCII, or when their total is outside `totals`: decode each with
 * `bytesAsText` then.
 */
export function asciiBodiesAsText(
  bodies: readonly unknown[],
  maxBytes: number,
  totals: { min: number; max: number } = BATCH_TEXT_BYTES,
): (string | undefined)[] | undefined {
  const decoded = (body: unknown): body is Uint8Array =>
    body instanceof Uint8Array && body.byteLength <= maxBytes;
  const parts = bodies.filter(decoded);
  const total = parts.reduce((n, body) => n + body.byteLength, 0);
  if (parts.length === 0 || total < totals.min || total > totals.max) return undefined;
  const all = Buffer.concat(parts, total);
  if (!isAscii(all)) return undefined;
  const text = all.toString('latin1');
  const out = new Array<string | undefined>(bodies.length);
  let at = 0;
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    if (decoded(body)) out[i] = text.slice(at, (at += body.byteLength));
  }
  return out;
}

/**
 * The text the full path would parse for a byte body, when it is that simple: within the size limit,
 * valid UTF-8, and without a second byte-order mark (the decoder drops one; the text path would drop
 * another). Otherwise undefined, and `decodeBody` decides. For the scanner (land-batch.ts): by then
 * `decodeBody(bytes)` and `decodeBody(text)` yield the same event and raw text.
 */
export function bytesAsText(bytes: Uint8Array, maxBytes: number): string | undefined {
  if (bytes.byteLength > maxBytes) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? undefined : text;
}

function decodeBytes(bytes: Uint8Array, maxBytes: number, fullBytes?: number): Decoded {
  if (bytes.byteLength > maxBytes) {
    const head = Buffer.from(bytes.subarray(0, maxBytes)).toString('base64');
    return fail('body_too_large', `${fullBytes ?? bytes.byteLength} bytes > limit ${maxBytes}`, {
      encoding: 'base64',
      body: head,
      truncated: true,
    });
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('body_not_utf8', 'the body bytes are not valid UTF-8', {
      encoding: 'base64',
      body: Buffer.from(bytes).toString('base64'),
    });
  }
  return parseText(text);
}

function decodeText(text: string, maxBytes: number): Decoded {
  if (utf8Length(text, maxBytes) > maxBytes) return tooLarge(text, maxBytes);
  if (hasLoneSurrogate(text))
    return fail('body_not_utf8', 'the body contains unpaired UTF-16 surrogates', {
      encoding: 'json',
      body: JSON.stringify(text),
    });
  return parseText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function parseText(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('body_not_json', err instanceof Error ? err.message : 'invalid JSON', {
      encoding: 'utf8',
      body: text,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(
      'body_not_object',
      `the body is JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}, not an object`,
      { encoding: 'utf8', body: text },
    );
  }
  return { ok: true, value: value as Record<string, unknown>, rawText: text };
}

function tooLarge(text: string, maxBytes: number): Decoded {
  const head = truncate(text, maxBytes);
  const raw: RawBody = hasLoneSurrogate(head)
    ? { encoding: 'json', body: JSON.stringify(head), truncated: true }
    : { encoding: 'utf8', body: head, truncated: true };
  return fail('body_too_large', `more than ${maxBytes} bytes`, raw);
}

function fail(code: Rejection['code'], detail: string, raw: RawBody): Decoded {
  return { ok: false, rejection: rejection(code, '', `${rejection(code, '').message}: ${detail}`), raw };
}

/** UTF-8 byte length, computed exactly only when it can matter (bytes ≥ UTF-16 units ≥ bytes / 3). */
function utf8Length(text: string, maxBytes: number): number {
  if (text.length > maxBytes) return text.length;
  if (text.length * 3 <= maxBytes) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

/** The first `maxChars` UTF-16 units, without splitting a surrogate pair. */
function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
