/**
 * The scanner's tests' support: both paths from text to Bronze row, and generators of POS events
 * that are valid or close to it (amounts consistent up to a random slip, time window edges),
 * rendered as JSON text in the many ways a sender may write the same event (whitespace, key order,
 * money as number or string, escapes, BOM). Random edits of such texts: scan-event-edits.ts.
 */
import fc from 'fast-check';
import { decodeBody } from '../../../shared/ingest/decode-body.js';
import { bronzeRow, scannedBronzeRow } from '../../../shared/ingest/landing-rows.js';
import { scanEvent, SCAN_TIERS } from '../../../shared/ingest/scan-event.js';
import { parseInstantMicros } from '../../../shared/ingest/timestamp.js';
import { DEFAULT_VALIDATION_LIMITS, validateEvent } from '../../../shared/ingest/validate-event.js';
import { REFERENCE_MICROS } from './fixtures.js';

export const MAX_BYTES = 256 * 1024;
const POSITION = { sequenceNumber: 7, offset: '42', enqueuedTimeMicros: 1n, partitionKey: 'S1' };

/** The Bronze row of the existing path (decodeBody → validateEvent → bronzeRow), or undefined. */
export function fullPathRow(text: string, referenceMicros = REFERENCE_MICROS, maxBytes = MAX_BYTES) {
  const decoded = decodeBody(text, maxBytes);
  if (!decoded.ok) return undefined;
  const result = validateEvent(decoded.value, referenceMicros, DEFAULT_VALIDATION_LIMITS);
  return result.ok ? bronzeRow(result.event, decoded.rawText, POSITION) : undefined;
}

/** The scanner and each of its tiers alone. */
export const SCANNERS = { scanEvent, ...SCAN_TIERS };
export type ScannerName = keyof typeof SCANNERS;

/** The Bronze row of a scanner (scanEvent unless named), or undefined when it falls back. */
export function scannedRow(
  text: string,
  referenceMicros = REFERENCE_MICROS,
  maxBytes = MAX_BYTES,
  scanner: ScannerName = 'scanEvent',
) {
  const s = SCANNERS[scanner](text, maxBytes, referenceMicros, DEFAULT_VALIDATION_LIMITS);
  return s && scannedBronzeRow(s, POSITION);
}

/** A JSON value whose rendering is chosen by the test: numbers keep their exact text. */
export type Node =
  | { t: 'raw'; text: string }
  | { t: 'str'; value: string }
  | { t: 'obj'; entries: [string, Node][] }
  | { t: 'arr'; items: Node[] };

const raw = (text: string): Node => ({ t: 'raw', text });
const str = (value: string): Node => ({ t: 'str', value });

/** Deterministic choices for one rendering (mulberry32), so a failing case replays from its seed. */
export function rng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** Renders `node` as JSON: random whitespace (sometimes), key order as given, rare escapes. */
export function render(node: Node, r: () => number, style: { spaces: boolean; escapes: boolean }): string {
  const ws = () => (style.spaces && r() < 0.3 ? pick(r, [' ', '\n', '\t', '\r\n', '  ']) : '');
  switch (node.t) {
    case 'raw':
      return node.text;
    case 'str': {
      if (!style.escapes || r() > 0.1 || node.value.length === 0) return JSON.stringify(node.value);
      const i = Math.floor(r() * node.value.length);
      const ch = node.value.charCodeAt(i);
      const escaped = ch === 0x2f ? '\\/' : `\\u${ch.toString(16).padStart(4, '0')}`;
      return `"${JSON.stringify(node.value.slice(0, i)).slice(1, -1)}${escaped}${JSON.stringify(node.value.slice(i + 1)).slice(1, -1)}"`;
    }
    case 'arr':
      return `[${ws()}${node.items.map((n) => render(n, r, style) + ws()).join(`,${ws()}`)}]`;
    case 'obj':
      return `{${ws()}${node.entries.map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${render(v, r, style)}${ws()}`).join(`,${ws()}`)}}`;
  }
}

/** Money in cents as the sender may write it: number or string, several equivalent texts. */
function money(cents: number, r: () => number): Node {
  const text = (cents / 100).toFixed(2);
  const forms = [String(cents / 100), text, `${text}0`, `${cents}e-2`, `${text}000000000000001`];
  const form = r() < 0.98 ? pick(r, forms.slice(0, 2)) : pick(r, forms);
  if (r() < 0.7) return raw(form);
  return str(r() < 0.95 ? form : pick(r, [`00${text}`, ` ${text}`, `${text} `, `+${text}`, `${cents}`]));
}

/** Mostly the ways to be right, sometimes (1 in `odds + 1`) one of the ways to be wrong. */
function mostly<T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>, odds = 20): fc.Arbitrary<T> {
  return fc.noBias(fc.oneof({ weight: odds, arbitrary: right }, { weight: 1, arbitrary: wrong }));
}

const idArb = fc.oneof(
  { weight: 30, arbitrary: fc.stringMatching(/^[A-Z][A-Z0-9-]{0,20}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 70 }) },
);

const lineArb = fc.record({
  sku: idArb,
  quantityMilli: mostly(
    fc.oneof(
      fc.integer({ min: 1, max: 20 }).map((q) => q * 1000),
      fc.integer({ min: 1, max: 20_000 }),
    ),
    fc.constantFrom(0, 1, 999_999_999_999, 1_000_000_000_000),
  ),
  unitPrice: mostly(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(1e12, 1e12 + 1, 99_999_999)),
  discount: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  slip: mostly(fc.constantFrom(0, 0, 0, 1, -1), fc.constantFrom(2, -2)),
  lineNo: mostly(fc.constant(undefined), fc.integer({ min: 0, max: 10_001 }), 50),
});

const WINDOW_EDGES = [
  -DEFAULT_VALIDATION_LIMITS.futureToleranceMicros - 1n,
  -DEFAULT_VALIDATION_LIMITS.futureToleranceMicros,
  DEFAULT_VALIDATION_LIMITS.maxAgeMicros,
  DEFAULT_VALIDATION_LIMITS.maxAgeMicros + 1n,
];

export const eventSpecArb = fc.record({
  eventType: fc.constantFrom('sale', 'sale', 'refund', 'void'),
  eventId: mostly(fc.uuid(), fc.constantFrom('not-a-uuid', 'ABCDEF01-2345-6789-abcd-ef0123456789')),
  ids: fc.array(idArb, { minLength: 4, maxLength: 4 }),
  currency: mostly(fc.constantFrom('USD', 'EUR', 'JPY'), fc.constantFrom('usd', 'XYZ', '')),
  lines: mostly(fc.array(lineArb, { minLength: 1, maxLength: 6 }), fc.array(lineArb, { maxLength: 0 })),
  tax: fc.integer({ min: 0, max: 100_000 }),
  subtotalSlip: mostly(fc.constantFrom(0, 0, 1, -1), fc.constantFrom(2, -2)),
  totalSlip: mostly(fc.constant(0), fc.constantFrom(1, -1)),
  tenderParts: mostly(
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }),
    fc.array(fc.double(), { maxLength: 0 }),
  ),
  tenderSlip: mostly(fc.constant(0), fc.constantFrom(1, -1)),
  customerId: fc.option(fc.option(idArb, { nil: null }), { nil: undefined }),
  loyaltyPoints: fc.option(fc.option(mostly(fc.nat(1000), fc.constantFrom(1e9, 1e9 + 1)), { nil: null }), {
    nil: undefined,
  }),
  original: fc.option(fc.option(idArb, { nil: null }), { nil: undefined }),
  occurred: fc.record({
    millis: mostly(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      fc.integer({ min: Date.UTC(-50, 0, 1), max: Date.UTC(9999, 11, 31) }),
    ),
    micros: fc.integer({ min: 0, max: 999 }),
    offsetMinutes: fc.constantFrom(0, 0, 60, -300, -600, 330, 840, -720),
    fracDigits: mostly(fc.integer({ min: 0, max: 9 }), fc.constant(10)),
    sep: mostly(fc.constantFrom('T', 'T', 't', ' '), fc.constant('_')),
    zone: mostly(fc.constantFrom('Z', 'offset', 'offset', 'z', 'compact'), fc.constant('none')),
  }),
  referenceDelta: fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...WINDOW_EDGES) },
    { weight: 4, arbitrary: fc.bigInt({ min: WINDOW_EDGES[1], max: WINDOW_EDGES[2] }) },
  ),
  seed: fc.integer(),
});
export type EventSpec = typeof eventSpecArb extends fc.Arbitrary<infer T> ? T : never;

/** The event of `spec` as a JSON tree (keys shuffled) and the reference time it is judged at. */
export function buildEvent(spec: EventSpec, r: () => number): { node: Node; referenceMicros: bigint } {
  const shuffled = r() < 0.3; // else every object in schema order, like most senders
  let subtotal = 0;
  const lines = spec.lines.map((l, i): Node => {
    const product = BigInt(l.quantityMilli) * BigInt(l.unitPrice) + 500n;
    const discount = Math.min(l.discount ?? 0, Number(product / 1000n));
    const lineTotal = Math.max(0, Number(product / 1000n) - discount + l.slip);
    subtotal += lineTotal;
    const q = l.quantityMilli / 1000;
    const entries: [string, Node][] = [
      ['lineNo', raw(String(l.lineNo ?? i + 1) + (r() < 0.02 ? '.0' : ''))],
      ['sku', str(l.sku)],
      [
        'quantity',
        raw(Number.isInteger(q) && r() < 0.03 ? pick(r, [`${q}.0`, `${q}e0`, `${q}.00`]) : String(q)),
      ],
      ['unitPrice', money(l.unitPrice, r)],
      ...(l.discount === undefined ? [] : [['discount', money(discount, r)] as [string, Node]]),
      ['lineTotal', money(lineTotal, r)],
    ];
    return { t: 'obj', entries: shuffle(entries, r, shuffled) };
  });
  subtotal = Math.max(0, subtotal + spec.subtotalSlip);
  const total = subtotal + spec.tax + spec.totalSlip;
  const amounts = spec.tenderParts.map((p) => Math.floor(p * total));
  if (amounts.length > 0) amounts[0] = (amounts[0] as number) + total - amounts.reduce((a, b) => a + b, 0);
  if (amounts.length > 0) amounts[0] = Math.max(0, (amounts[0] as number) + spec.tenderSlip);
  const tenders = amounts.map((a): Node => ({
    t: 'obj',
    entries: shuffle(
      [
        ['method', str(pick(r, ['card', 'cash', 'mobile', 'giftcard']))],
        ['amount', money(a, r)],
      ],
      r,
      shuffled,
    ),
  }));
  const occurredAt = instantText(spec.occurred);
  const [transactionId, storeId, registerId, cashierId] = spec.ids as [string, string, string, string];
  const entries: [string, Node][] = [
    ['schemaVersion', raw(r() < 0.02 ? '1.0' : '1')],
    ['eventId', str(spec.eventId)],
    ['eventType', str(spec.eventType)],
    ['transactionId', str(transactionId)],
    ['storeId', str(storeId)],
    ['registerId', str(registerId)],
    ['cashierId', str(cashierId)],
    ['occurredAt', str(occurredAt)],
    ['currency', str(spec.currency)],
    ['lines', { t: 'arr', items: lines }],
    ['tenders', { t: 'arr', items: tenders }],
    ['subtotal', money(subtotal, r)],
    ['tax', money(spec.tax, r)],
    ['total', money(total, r)],
  ];
  const optional = (k: string, v: string | number | null | undefined) => {
    if (v !== undefined) entries.push([k, typeof v === 'string' ? str(v) : raw(String(v))]);
  };
  optional('customerId', spec.customerId);
  optional('loyaltyPoints', spec.loyaltyPoints);
  optional(
    'originalTransactionId',
    spec.eventType === 'refund' && r() < 0.9 ? (spec.original ?? 'T-1') : spec.original,
  );
  const occurred = parseInstantMicros(occurredAt);
  return {
    node: { t: 'obj', entries: shuffle(entries, r, shuffled) },
    referenceMicros: (occurred ?? REFERENCE_MICROS) + spec.referenceDelta,
  };
}

/** ISO text of a UTC instant in one of the forms timestamp.ts accepts (or, rarely, not). */
function instantText(o: EventSpec['occurred']): string {
  const iso = new Date(o.millis + o.offsetMinutes * 60_000).toISOString(); // ±yyyyyy for years < 0
  const [, date = '', hm = '', ss = '', ms = ''] = /^(.+)T(\d\d:\d\d):(\d\d)\.(\d{3})Z$/.exec(iso) ?? [];
  const frac = `${ms}${String(o.micros).padStart(3, '0')}123`.slice(0, o.fracDigits);
  const time = o.fracDigits === 0 && ss === '00' ? hm : `${hm}:${ss}${frac ? `.${frac}` : ''}`;
  const sign = o.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(o.offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const zone = { Z: 'Z', z: 'z', offset: `${sign}${hh}:${mm}`, compact: `${sign}${hh}${mm}`, none: '' }[
    o.zone
  ];
  return `${date}${o.sep}${time}${zone}`;
}

function shuffle<T>(xs: T[], r: () => number, on: boolean): T[] {
  if (!on) return xs;
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
