/**
 * Byte bodies as text for the scanner (decode-body.ts): the batch-wide ASCII decode gives each body
 * exactly what the per-body decode gives (slices of one string), leaves out what that leaves out, and
 * declines a batch with any non-ASCII byte body, whatever else the batch holds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { asciiBodiesAsText, bytesAsText } from '../../../shared/ingest/decode-body.js';

const MAX = 24;
const asciiText = fc.string({
  unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
  size: 'medium', // about a third over MAX
});
const body = fc.oneof(
  asciiText.map((t) => Buffer.from(t, 'latin1')),
  asciiText.map((t) => new Uint8Array(Buffer.from(t, 'latin1'))), // not a Buffer: a plain view
  asciiText, // text bodies are not the decoder's business
  fc.constant({ eventId: 'x' }),
  fc.constant(null),
);

/** No minimum total: small test batches are decoded at once too. */
const ANY = { min: 0, max: 1 << 20 };

/** The bodies as views of one buffer, in order, separated by newlines (lines of a file). */
function asLinesOfOneBuffer(bodies: readonly unknown[]): unknown[] {
  const bytes = bodies.filter((b): b is Uint8Array => b instanceof Uint8Array);
  const file = Buffer.concat(bytes.flatMap((b) => [b, Buffer.from('\n')]));
  let at = 0;
  return bodies.map((b) => {
    if (!(b instanceof Uint8Array)) return b;
    const view = file.subarray(at, at + b.byteLength);
    at += b.byteLength + 1;
    return view;
  });
}

describe('asciiBodiesAsText', () => {
  test('equals bytesAsText for every byte body of an ASCII batch, copies or views of one buffer; other bodies have no text', () => {
    // (A batch whose byte bodies are all over the limit has nothing to decode: undefined.)
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 30 }), fc.boolean(), (given, lines) => {
        // Separate copies, or the lines of one buffer.
        const bodies = lines
          ? asLinesOfOneBuffer(given)
          : given.map((b) => (b instanceof Uint8Array ? Uint8Array.from(b) : b));
        const texts = asciiBodiesAsText(bodies, MAX, ANY);
        if (!bodies.some((b) => b instanceof Uint8Array && b.byteLength <= MAX)) {
          expect(texts).toBeUndefined();
          return;
        }
        expect(texts).toBeDefined();
        bodies.forEach((b, i) => {
          expect(texts?.[i]).toBe(b instanceof Uint8Array ? bytesAsText(b, MAX) : undefined);
        });
      }),
      { numRuns: 400 },
    );
  });

  test('declines a batch with a non-ASCII byte body (UTF-8, BOM or invalid)', () => {
    const ok = Buffer.from('{"a":1}');
    for (const odd of [Buffer.from('{"a":"é"}'), Buffer.from('\ufeff{}'), Buffer.from([0x7b, 0xff, 0x7d])]) {
      expect(asciiBodiesAsText([ok, 'text', odd, ok], MAX, ANY)).toBeUndefined();
      expect(asciiBodiesAsText(asLinesOfOneBuffer([ok, 'text', odd, ok]), MAX, ANY)).toBeUndefined();
    }
  });

  test('only totals within the bounds are decoded at once; a non-ASCII body over the size limit does not count', () => {
    const a = Buffer.from('{"a":1}');
    const n = a.byteLength;
    expect(asciiBodiesAsText([a, a, a], MAX, { min: 0, max: 3 * n })).toEqual([
      '{"a":1}',
      '{"a":1}',
      '{"a":1}',
    ]);
    expect(asciiBodiesAsText([a, a, a], MAX, { min: 0, max: 3 * n - 1 })).toBeUndefined();
    expect(asciiBodiesAsText([a, a, a], MAX, { min: 3 * n + 1, max: 1 << 20 })).toBeUndefined();
    const longUtf8 = Buffer.from(`{"pad":"${'é'.repeat(MAX)}"}`);
    expect(asciiBodiesAsText([a, longUtf8, a], MAX, ANY)).toEqual(['{"a":1}', undefined, '{"a":1}']);
  });

  test('bodies over the limit are left out, the following ones still line up', () => {
    const long = Buffer.from(`{"pad":"${'x'.repeat(MAX)}"}`);
    expect(long.byteLength).toBeGreaterThan(MAX);
    const bodies = [Buffer.from('{"a":1}'), long, Buffer.from('{"b":2}')];
    for (const given of [bodies, asLinesOfOneBuffer(bodies)])
      expect(asciiBodiesAsText(given, MAX, ANY)).toEqual(['{"a":1}', undefined, '{"b":2}']);
  });
});
