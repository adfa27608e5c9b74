/**
 * The scanner case by case: what it takes (and that the row is the full path's), and each kind of
 * text it leaves to the full path, whether that path then accepts the event or rejects it. The
 * general tier must take whatever scanEvent takes; neither tier may take what scanEvent leaves.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_VALIDATION_LIMITS } from '../../../shared/ingest/validate-event.js';
import { REFERENCE_MICROS, validEvent } from './fixtures.js';
import { fullPathRow, MAX_BYTES, scannedRow, SCANNERS, type ScannerName } from './scan-event-support.js';

const BASE = JSON.stringify(validEvent({ eventId: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' }));
const RAW_PAYLOAD = 20; // index of raw_payload in the Bronze row
const LINE = BASE.slice(BASE.indexOf('{"lineNo"'), BASE.indexOf('],"tenders"'));
const HALF_LINE = LINE.replace('"quantity":2', '"quantity":1').replace(
  '"lineTotal":6.98',
  '"lineTotal":3.49',
);

/** Each identifier of BASE (the sku aside) and the edits giving it `n` characters. */
const ID_EDITS: [string, (n: number) => [string, string][]][] = [
  ['transactionId', (n) => [['"T-0001"', `"${'T'.repeat(n)}"`]]],
  ['storeId', (n) => [['"S0042"', `"${'S'.repeat(n)}"`]]],
  ['registerId', (n) => [['"R03"', `"${'R'.repeat(n)}"`]]],
  ['cashierId', (n) => [['"E1187"', `"${'E'.repeat(n)}"`]]],
  ['customerId', (n) => [['"customerId":null', `"customerId":"${'C'.repeat(n)}"`]]],
  [
    'originalTransactionId',
    (n) => [
      ['"sale"', '"refund"'],
      ['"originalTransactionId":null', `"originalTransactionId":"${'O'.repeat(n)}"`],
    ],
  ],
];

/** BASE with each [from, to] replaced once (each `from` must occur). */
function edit(...pairs: [string, string][]): string {
  return pairs.reduce((text, [from, to]) => {
    expect(text).toContain(from);
    return text.replace(from, to);
  }, BASE);
}

function expectScanned(text: string, referenceMicros = REFERENCE_MICROS, maxBytes = MAX_BYTES): unknown[] {
  const row = scannedRow(text, referenceMicros, maxBytes);
  expect(row).toBeDefined();
  expect(fullPathRow(text, referenceMicros, maxBytes)).toStrictEqual(row);
  expect(scannedRow(text, referenceMicros, maxBytes, 'general')).toStrictEqual(row);
  return row as unknown[];
}

function expectFallback(text: string, referenceMicros = REFERENCE_MICROS, maxBytes = MAX_BYTES): void {
  for (const name of Object.keys(SCANNERS) as ScannerName[])
    expect(scannedRow(text, referenceMicros, maxBytes, name), name).toBeUndefined();
}

describe('scanEvent takes', () => {
  test('the canonical event, with the full path row, in the canonical tier', () => {
    const row = expectScanned(BASE);
    expect(scannedRow(BASE, REFERENCE_MICROS, MAX_BYTES, 'canonical')).toStrictEqual(row);
    expect(row.slice(0, 3)).toEqual(['6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', 'sale', 1]);
    expect(row.slice(12, 15)).toEqual([698n, 58n, 756n]);
  });

  test.each<[string, string]>([
    [
      'whitespace between all tokens',
      ` \n\t${JSON.stringify(JSON.parse(BASE), null, '\t').replace(/\n/g, '\r\n')}\t `,
    ],
    [
      'money as decimal strings',
      edit(['"subtotal":6.98', '"subtotal":"6.980"'], ['"tax":0.58', '"tax":"0.58"']),
    ],
    [
      'money with trailing zeros and leading zeros in strings',
      edit(['"amount":7.56', '"amount":"0007.5600"']),
    ],
    ['optional fields absent', edit([',"customerId":null', ''], [',"originalTransactionId":null', ''])],
    [
      'optional fields set',
      edit(['"customerId":null', '"customerId":"C1"'], ['"loyaltyPoints":0', '"loyaltyPoints":1000000000']),
    ],
    [
      'fractional quantities (half up to the cent)',
      edit(['"quantity":2', '"quantity":2.001'], ['"lineTotal":6.98', '"lineTotal":6.99']),
    ],
    ['two lines', edit([LINE, `${HALF_LINE},${HALF_LINE.replace('"lineNo":1', '"lineNo":2')}`])],
    [
      'a void without lines',
      edit(
        [LINE, ''],
        ['"sale"', '"void"'],
        ['"subtotal":6.98', '"subtotal":0'],
        ['"tax":0.58', '"tax":0'],
        ['"total":7.56', '"total":0'],
        ['"amount":7.56', '"amount":0'],
      ),
    ],
    ['a money string with 19 integer digits', edit(['"tax":0.58', `"tax":"${'0'.repeat(19)}.58"`])],
    ['a money number with zeros past the cents', edit(['"tax":0.58', '"tax":0.580000000000000000000'])],
    ['a sku of 64 characters', edit(['"SKU-000123"', `"${'S'.repeat(64)}"`])],
    ...ID_EDITS.map(([field, edits]): [string, string] => [
      `a ${field} of 64 characters`,
      edit(...edits(64)),
    ]),
    [
      'lineNo 10000 and loyaltyPoints 1e9',
      edit(['"lineNo":1', '"lineNo":10000'], ['"loyaltyPoints":0', '"loyaltyPoints":1000000000']),
    ],
    ['keys in any order', `{"total":7.56,${BASE.slice(1).replace(',"total":7.56', '')}`],
    [
      'unknown keys, skipped',
      edit(['"tax"', '"x":{"a":[1,-2e3,true,null,"\\u00e9"]},"tax"'], ['"sku"', '"x":"\\"","sku"']),
    ],
    ['non-ASCII identifiers', edit(['"S0042"', '"Köln-€-中"'])],
    [
      'a refund with its original',
      edit(['"sale"', '"refund"'], ['"originalTransactionId":null', '"originalTransactionId":"T-0000"']),
    ],
  ])('%s', (_name, text) => {
    expectScanned(text);
  });

  test('a leading BOM, which raw_payload does not keep', () => {
    expect(expectScanned(`\uFEFF${BASE}`)[RAW_PAYLOAD]).toBe(BASE);
  });

  test('the UTF-8 size limit: exactly at the limit, not one byte over', () => {
    const text = edit(['"S0042"', '"Köln-€"']);
    const bytes = Buffer.byteLength(text);
    expectScanned(text, REFERENCE_MICROS, bytes);
    expectFallback(text, REFERENCE_MICROS, bytes - 1);
    expectFallback(`\uFEFF${text}`, REFERENCE_MICROS, bytes + 2); // a BOM is 3 bytes
  });

  test('the time window edges, to the microsecond', () => {
    const occurred = BigInt(Date.parse('2026-11-25T14:03:11.123Z')) * 1000n;
    const { futureToleranceMicros: ahead, maxAgeMicros: behind } = DEFAULT_VALIDATION_LIMITS;
    expectScanned(BASE, occurred - ahead);
    expectScanned(BASE, occurred + behind);
    expectFallback(BASE, occurred - ahead - 1n);
    expectFallback(BASE, occurred + behind + 1n);
    expect(fullPathRow(BASE, occurred - ahead - 1n)).toBeUndefined();
    expect(fullPathRow(BASE, occurred + behind + 1n)).toBeUndefined();
  });

  test('the limits given, not those of the previous event at the same reference time', () => {
    const occurred = BigInt(Date.parse('2026-11-25T14:03:11.123Z')) * 1000n;
    const none = { futureToleranceMicros: 0n, maxAgeMicros: 0n };
    for (const scan of Object.values(SCANNERS)) {
      expect(scan(BASE, MAX_BYTES, occurred - 1n, DEFAULT_VALIDATION_LIMITS)).toBeDefined();
      expect(scan(BASE, MAX_BYTES, occurred - 1n, none)).toBeUndefined();
      expect(scan(BASE, MAX_BYTES, occurred, none)).toBeDefined();
      expect(scan(BASE, MAX_BYTES, occurred + 1n, none)).toBeUndefined();
    }
  });
});

describe('scanEvent leaves to the full path', () => {
  // [case, text, whether the full path accepts it]
  test.each<[string, string, boolean]>([
    ['an escape in a value', edit(['"S0042"', '"S\\u00304\\/2"']), true],
    ['an escape in a key (it could spell a known one)', edit(['"storeId"', '"st\\u006freId"']), true],
    ['a duplicate key (JSON.parse keeps the last)', edit(['"tax"', '"storeId":"X","tax"']), true],
    ['a duplicate key in a line', edit(['"sku"', '"lineNo":1,"sku"']), true],
    ['a surrogate pair', edit(['"S0042"', '"S\uD83D\uDE00"']), true],
    ['a lone surrogate', edit(['"S0042"', '"S\uD800"']), false],
    ['a number in exponent form', edit(['"tax":0.58', '"tax":58e-2']), true],
    ['schemaVersion 1.0', edit(['"schemaVersion":1', '"schemaVersion":1.0']), true],
    ['lineNo 1.0', edit(['"lineNo":1', '"lineNo":1.0']), true],
    ['money text the contract trims', edit(['"tax":0.58', '"tax":" 0.58"']), true],
    ['money with more than 15 digits', edit(['"tax":0.58', '"tax":0.5800000000000001']), false],
    ['-0 money', edit(['"discount":0', '"discount":-0']), true],
    [
      'amounts above MAX_CENTS',
      edit(
        ['"unitPrice":3.49', '"unitPrice":10000000000.01'],
        ['"lineTotal":6.98', '"lineTotal":20000000000.02'],
        ['"subtotal":6.98', '"subtotal":20000000000.02'],
        ['"total":7.56', '"total":20000000000.60'],
        ['"amount":7.56', '"amount":20000000000.60'],
      ),
      true,
    ],
    ['a year before 100', edit(['2026-11-25', '0099-11-25']), false],
    ['a quantity with 4 decimals', edit(['"quantity":2', '"quantity":2.0000']), true],
    ['null where only absence is allowed', edit(['"discount":0', '"discount":null']), false],
    ['a missing required key', edit(['"tax":0.58,', '']), false],
    ['trailing content', `${BASE} x`, false],
    ['a trailing comma', edit(['"originalTransactionId":null', '"originalTransactionId":null,']), false],
    ['a truncated text', BASE.slice(0, -1), false],
    ['an unknown key with invalid JSON', edit(['"tax"', '"x":[1,],"tax"']), false],
    ['a subtotal off by 2 cents', edit(['"subtotal":6.98', '"subtotal":7.00']), false],
    ['a line total off by 2 cents', edit(['"lineTotal":6.98', '"lineTotal":7.00']), false],
    ['total ≠ subtotal + tax', edit(['"tax":0.58', '"tax":0.57']), false],
    ['tenders ≠ total', edit(['"amount":7.56', '"amount":7.55']), false],
    ['no tenders', edit(['{"method":"card","amount":7.56}', '']), false],
    ['no lines in a sale', edit([LINE, '']), false],
    ['a duplicate lineNo', edit([LINE, `${HALF_LINE},${HALF_LINE}`]), false],
    ['a zero quantity', edit(['"quantity":2', '"quantity":0']), false],
    ['a refund without original', edit(['"sale"', '"refund"']), false],
    ['an unknown currency', edit(['"USD"', '"usd"']), false],
    ['an invalid UUID', edit(['6f1c2a7e-', '6f1c2a7g-']), false],
    ['a money string with 20 integer digits', edit(['"tax":0.58', `"tax":"${'0'.repeat(20)}.58"`]), false],
    ['an unknown key with "- 5"', edit(['"tax"', '"x":- 5,"tax"']), false],
    ['a sku of 65 characters', edit(['"SKU-000123"', `"${'S'.repeat(65)}"`]), false],
    ...ID_EDITS.map(([field, edits]): [string, string, boolean] => [
      `a ${field} of 65 characters`,
      edit(...edits(65)),
      false,
    ]),
    ['an empty id', edit(['"customerId":null', '"customerId":""']), false],
    ['lineNo 10001', edit(['"lineNo":1', '"lineNo":10001']), false],
    ['loyaltyPoints 1000000001', edit(['"loyaltyPoints":0', '"loyaltyPoints":1000000001']), false],
    ['29 February 2026', edit(['2026-11-25T', '2026-02-29T']), false],
    ['eventType Sale', edit(['"sale"', '"Sale"']), false],
    ['tender method check', edit(['"card"', '"check"']), false],
  ])('%s', (_name, text, fullPathAccepts) => {
    expectFallback(text);
    expect(fullPathRow(text) !== undefined).toBe(fullPathAccepts);
  });
});
