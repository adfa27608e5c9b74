/**
 * HTTP bodies into events (http-events.ts): objects are handed over as their text as sent — array
 * elements cut out of the body — and other JSON values parsed; the cut agrees with JSON.parse for any
 * array and any whitespace; eventIds come from the parsed objects (NDJSON: from each line's text).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitHttpBody } from '../../../shared/ingest/http-events.js';

/** JSON.stringify with the whitespace JSON allows around every token. */
function spaced(value: unknown, space: string): string {
  if (Array.isArray(value))
    return `[${space}${value.map((v) => spaced(v, space)).join(`${space},${space}`)}${space}]`;
  if (value !== null && typeof value === 'object')
    return `{${space}${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${spaced(v, space)}`)
      .join(`${space},${space}`)}${space}}`;
  return JSON.stringify(value);
}

const element = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ eventId: fc.string({ maxLength: 12 }), note: fc.string() }), // strings with quotes, escapes
);

describe('splitHttpBody', () => {
  test('any JSON array, any whitespace: objects as their own text, other values parsed, ids from the objects', () => {
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 12 }),
        fc.constantFrom('', ' ', '\n\t ', '\r\n'),
        (values, space) => {
          const body = spaced(values, space);
          const split = splitHttpBody(body);
          if (!split.ok) throw new Error(split.message);
          const parsed = JSON.parse(body) as unknown[];
          expect(split.events).toHaveLength(parsed.length);
          split.events.forEach((event, i) => {
            const v = parsed[i];
            if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
              expect(typeof event).toBe('string');
              expect(JSON.parse(event as string)).toEqual(v);
              expect(body).toContain(event as string); // cut out of the body, not re-serialised
              expect(event).toBe((event as string).trim()); // without the whitespace around it
              const id = (v as Record<string, unknown>).eventId;
              expect(split.eventIds[i]).toBe(typeof id === 'string' ? id : undefined);
            } else {
              expect(event).toEqual(v);
              expect(split.eventIds[i]).toBeUndefined();
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  test('one object: its text as sent (BOM and outer whitespace dropped)', () => {
    const text = '{ "eventId" : "e-1", "tax" : 0.50 }';
    expect(splitHttpBody(`\uFEFF\n ${text}\n`)).toEqual({ ok: true, events: [text], eventIds: ['e-1'] });
  });

  test('NDJSON lines as text, ids from their text; neither shape → 400 message', () => {
    const split = splitHttpBody('{"eventId":"a","x":1}\n\n{"broken":\n{"eventId":"b"}');
    expect(split).toEqual({
      ok: true,
      events: ['{"eventId":"a","x":1}', '{"broken":', '{"eventId":"b"}'],
      eventIds: ['a', undefined, 'b'],
    });
    expect(splitHttpBody('hello world').ok).toBe(false);
  });

  test('NDJSON ids are the top-level eventId, never a nested one or one in a string', () => {
    const lines = [
      '{"meta":{"eventId":"k"},"eventId":"a"}',
      '{"note":"\\"eventId\\":\\"k\\"","eventId":"b"}',
      '{"meta":{"eventId":"k"}}',
      '{"eventId":"c","eventId":"d"}',
    ];
    expect(splitHttpBody(lines.join('\n'))).toEqual({
      ok: true,
      events: lines,
      eventIds: ['a', 'b', undefined, 'd'],
    });
  });

  test('NDJSON blank lines are JSON whitespace only; a line of other spaces is an event (quarantined)', () => {
    const split = splitHttpBody('{"eventId":"a"}\r\n \t\r\n\r\r\n\u00a0\n{"eventId":"b"}');
    expect(split).toEqual({
      ok: true,
      events: ['{"eventId":"a"}', '\u00a0', '{"eventId":"b"}'],
      eventIds: ['a', undefined, 'b'],
    });
  });
});
