/**
 * Splits an HTTP request body into event bodies: one JSON object, a JSON array of events, or NDJSON
 * (one event per non-blank line). Each element stays unparsed-as-event, so one bad event is
 * quarantined on its own; only a body that fits none of the three shapes is unparseable (HTTP 400).
 *
 * Objects are handed over as their text as sent (array elements cut out of the body), so Bronze keeps
 * the event as received and the landing's scanner reads it, as for the other doors; other JSON values
 * (numbers, strings, null…) are handed over parsed, which is how they are quarantined. `eventIds` are
 * the events' top-level `eventId`s (for the in-request dedupe), read from the parsed objects (NDJSON:
 * each line parsed).
 */
import { isObject } from './fast-parse.js';

export type HttpEvents =
  { ok: true; events: unknown[]; eventIds: (string | undefined)[] } | { ok: false; message: string };

export function splitHttpBody(text: string): HttpEvents {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { ok: false, message: 'the request body is empty' };
  let value: unknown;
  let parsed = false;
  try {
    value = JSON.parse(trimmed);
    parsed = true;
  } catch {
    // not one JSON value: try NDJSON below
  }
  if (parsed) {
    const values: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
    const texts = Array.isArray(value) ? arrayElementTexts(trimmed) : [trimmed];
    // The cut must agree with the parse (it always should): otherwise hand over the parsed values.
    const useTexts = texts.length === values.length;
    return {
      ok: true,
      events: values.map((v, i) => (useTexts && isObject(v) ? texts[i] : v)),
      eventIds: values.map(eventIdOf),
    };
  }
  // Blank = JSON whitespace only, as for files (json-lines.ts): a line of other spaces (NBSP…) is an
  // event body that is not JSON, quarantined rather than dropped.
  const lines = trimmed.split(/\r?\n/).filter((l) => !/^[ \t\r]*$/.test(l));
  if (lines.length < 2)
    return { ok: false, message: 'the body is neither JSON (an event or an array of events) nor NDJSON' };
  // NDJSON: every line is handed over as text; lines that are not JSON become body_not_json rejections.
  // Each line is parsed here for its top-level eventId (a text search could find a nested one and
  // drop a distinct event as a duplicate).
  const values = lines.map(parseOrUndefined);
  if (values.every((v) => v === undefined))
    return { ok: false, message: 'no line of the NDJSON body is JSON' };
  return {
    ok: true,
    events: lines,
    eventIds: values.map(eventIdOf),
  };
}

function eventIdOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.eventId === 'string' ? value.eventId : undefined;
}

/** The line's JSON value, or undefined when it is not JSON (`null` stays null). */
function parseOrUndefined(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * The texts of the top-level elements of `text`, a valid JSON array (JSON.parse accepted it), cut at
 * the commas outside strings and nested values, without the whitespace around them.
 */
function arrayElementTexts(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    const opens = c === 0x5b || c === 0x7b; // [ {
    const closes = c === 0x5d || c === 0x7d; // ] }
    if (depth === 1 && start < 0 && !closes && c !== COMMA && !isJsonSpace(c)) start = i;
    if (c === QUOTE) inString = true;
    else if (opens) depth++;
    else if (closes && --depth === 0 && start >= 0) out.push(text.slice(start, i).trimEnd());
    else if (c === COMMA && depth === 1) {
      out.push(text.slice(start, i).trimEnd());
      start = -1;
    }
  }
  return out;
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
