/**
 * The single-pass scanner (scan-event.ts) never disagrees with the full path: for every text it
 * either falls back (undefined) or yields exactly the Bronze row that decodeBody → validateEvent →
 * bronzeRow yields, which must then accept the text too. The generated texts are events that are
 * valid or nearly so, written in many equivalent ways, and random edits of them; each property also
 * checks that the scanner took a fair share of them (the invariant alone holds for `() => undefined`).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { applyEdit, editArb } from './scan-event-edits.js';
import {
  buildEvent,
  eventSpecArb,
  type EventSpec,
  fullPathRow,
  MAX_BYTES,
  SCANNERS,
  type ScannerName,
  render,
  rng,
  scannedRow,
} from './scan-event-support.js';

type Tally = Record<ScannerName, number> & { fullPath: number; texts: number };

function newTally(): Tally {
  return { scanEvent: 0, canonical: 0, general: 0, fullPath: 0, texts: 0 };
}

/** The invariant for one text, for the scanner and each tier alone; counts who accepted it. */
function agree(tally: Tally, text: string, referenceMicros: bigint, maxBytes = MAX_BYTES): void {
  const full = fullPathRow(text, referenceMicros, maxBytes);
  tally.texts++;
  if (full !== undefined) tally.fullPath++;
  for (const name of Object.keys(SCANNERS) as ScannerName[]) {
    const fast = scannedRow(text, referenceMicros, maxBytes, name);
    if (fast === undefined) continue;
    expect(full, name).toStrictEqual(fast);
    tally[name]++;
  }
}

/** Simulator bodies (30 % malformed in every way it knows), judged at their arrival time. */
const SIMULATED = simulatePosTraffic({
  seed: 7,
  stores: 5,
  events: 3000,
  rates: { malformed: 0.3 },
}).events.map((e) => ({
  text: e.body,
  referenceMicros: BigInt(e.arrivalMs) * 1000n,
  valid: e.malformation === null,
}));

/** Compact or with whitespace, rare escapes, BOM: a third of the texts in each, all three rarely. */
const styleArb = fc.record({
  spaces: fc.boolean(),
  escapes: fc.boolean(),
  bom: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
});

function textOf(spec: EventSpec, style: { spaces: boolean; escapes: boolean; bom: boolean }) {
  const r = rng(spec.seed);
  const { node, referenceMicros } = buildEvent(spec, r);
  return { text: (style.bom ? '\uFEFF' : '') + render(node, r, style), referenceMicros };
}

describe('scanEvent ≡ decodeBody → validateEvent → bronzeRow', () => {
  test('events written in any equivalent way, valid or nearly', () => {
    const tally = newTally();
    fc.assert(
      fc.property(eventSpecArb, styleArb, (spec, style) => {
        const { text, referenceMicros } = textOf(spec, style);
        agree(tally, text, referenceMicros);
      }),
      { numRuns: 4000 },
    );
    expect(tally.canonical).toBeGreaterThan(60);
    expect(tally.general).toBeGreaterThan(400);
    expect(tally.fullPath - tally.scanEvent).toBeGreaterThan(50); // the fallback cases are generated too
  });

  test('random edits: characters, truncation, duplicate and unknown keys, surrogates', () => {
    const tally = newTally();
    const base = fc.oneof(
      fc.tuple(eventSpecArb, styleArb).map(([spec, style]) => textOf(spec, style)),
      fc.constantFrom(...SIMULATED.slice(0, 200)),
    );
    fc.assert(
      fc.property(base, fc.array(editArb, { minLength: 1, maxLength: 2 }), (event, edits) => {
        agree(tally, edits.reduce(applyEdit, event.text), event.referenceMicros);
      }),
      { numRuns: 5000 },
    );
    expect(tally.canonical).toBeGreaterThan(5);
    expect(tally.general).toBeGreaterThan(100);
  });

  test('the UTF-8 size limit, at and around the exact size', () => {
    const tally = newTally();
    fc.assert(
      fc.property(eventSpecArb, styleArb, fc.integer({ min: -4, max: 4 }), (spec, style, delta) => {
        const { text, referenceMicros } = textOf(spec, style);
        agree(tally, text, referenceMicros, Buffer.byteLength(text) + delta);
      }),
      { numRuns: 1000 },
    );
    expect(tally.canonical).toBeGreaterThan(5);
    // About 65 per 1000 runs (half of the sizes are under the text's own); 50 failed ~1 run in 10.
    expect(tally.general).toBeGreaterThan(30);
  });

  test('simulator bodies, malformed ones included; every valid one is taken by the canonical tier', () => {
    const tally = newTally();
    for (const e of SIMULATED) {
      agree(tally, e.text, e.referenceMicros);
      if (e.valid) expect(scannedRow(e.text, e.referenceMicros, MAX_BYTES, 'canonical')).toBeDefined();
    }
    expect(tally.canonical).toBe(tally.fullPath); // every valid simulator body is in canonical layout
    expect(tally.texts - tally.fullPath).toBeGreaterThan(500);
  });
});
