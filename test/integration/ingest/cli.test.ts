/**
 * `lakehouse simulate` and `lakehouse ingest` through their command functions: the generator is
 * deterministic and realistic enough to validate, and ingesting the same file twice lands nothing new.
 */
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { simulateCommand } from '../../../shared/cli/simulate-command.js';
import { ingestCommand } from '../../../shared/cli/ingest-command.js';
import { createCliContext } from '../../../shared/cli/context.js';
import { loadSettings } from '../../../shared/config/config.js';
import { simulatePosTraffic } from '../../../shared/ingest/simulator/pos-traffic.js';
import { decodeBody } from '../../../shared/ingest/decode-body.js';
import { validateEvent } from '../../../shared/ingest/validate-event.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { rowsOf } from './helpers.js';
import { validEvent } from '../../unit/ingest/fixtures.js';

const validEventBody = () => JSON.stringify(validEvent());

const ctx = createCliContext(loadSettings({}));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sim-'));

afterEach(() => vi.restoreAllMocks());

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('lakehouse simulate', () => {
  test('same seed → identical files; different seed → different events', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const args = ['--seed', '11', '--stores', '4', '--events', '2000', '--quiet', '--history-days', '3'];
    expect(await simulateCommand([...args, '--out', a], ctx)).toBe(0);
    expect(await simulateCommand([...args, '--out', b], ctx)).toBe(0);
    expect(
      await simulateCommand(
        ['--seed', '12', '--stores', '4', '--events', '2000', '--quiet', '--out', c],
        ctx,
      ),
    ).toBe(0);
    const fa = files(a);
    expect(Object.keys(fa).sort()).toEqual([
      'events.jsonl',
      'history/sales_daily_2026-11-13.csv',
      'history/sales_daily_2026-11-14.csv',
      'history/sales_daily_2026-11-15.csv',
      'manifest.json',
      'products.csv',
      'stores.csv',
    ]);
    expect(files(b)).toEqual(fa);
    expect(files(c)['events.jsonl']).not.toEqual(fa['events.jsonl']);
  });

  test('generated events validate exactly as the manifest says', () => {
    const sim = simulatePosTraffic({
      seed: 5,
      stores: 6,
      events: 5000,
      rates: { malformed: 0.05, duplicate: 0.02, late: 0.02, outOfOrder: 0.05 },
    });
    const reference = BigInt(Date.parse('2026-11-25T00:00:00Z')) * 1000n;
    let valid = 0;
    for (const e of sim.events) {
      const d = decodeBody(e.body, 1 << 20);
      const ok = d.ok && validateEvent(d.value, reference).ok;
      expect({ ok, malformation: e.malformation }).toEqual({
        ok: e.malformation === null,
        malformation: e.malformation,
      });
      if (ok) valid++;
    }
    expect(valid).toBe(sim.summary.valid);
    expect(sim.summary.duplicates).toBeGreaterThan(0);
    expect(sim.summary.byType.refund).toBeGreaterThan(0);
    expect(sim.summary.byType.void).toBeGreaterThan(0);
    // Refunds point at an earlier sale of the same store.
    const sales = new Map<string, { storeId: string; occurredMs: number }>();
    for (const e of [...sim.events].sort((x, y) => x.occurredMs - y.occurredMs)) {
      if (e.malformation) continue;
      const body = JSON.parse(e.body) as {
        transactionId: string;
        originalTransactionId: string | null;
        storeId: string;
        eventType: string;
      };
      if (body.eventType === 'sale')
        sales.set(body.transactionId, { storeId: body.storeId, occurredMs: e.occurredMs });
      if (body.eventType === 'refund') {
        const original = sales.get(body.originalTransactionId ?? '');
        expect(original?.storeId).toBe(body.storeId);
      }
    }
    // Arrival order, with late events arriving hours after they happened.
    for (let i = 1; i < sim.events.length; i++)
      expect(sim.events[i]!.arrivalMs).toBeGreaterThanOrEqual(sim.events[i - 1]!.arrivalMs);
    expect(sim.events.filter((e) => e.late).every((e) => e.arrivalMs - e.occurredMs >= 3_600_000)).toBe(true);
  });
});

describe('lakehouse ingest', () => {
  test('ingesting the same file twice lands nothing new; every line is in exactly one table', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    const out = tmp();
    await simulateCommand(
      [
        '--seed',
        '3',
        '--stores',
        '3',
        '--events',
        '3000',
        '--quiet',
        '--history-days',
        '0',
        '--malformed-rate',
        '0.05',
        '--out',
        out,
      ],
      ctx,
    );
    const events = path.join(out, 'events.jsonl');
    fs.appendFileSync(events, Buffer.concat([Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('\n\n')]));
    const lake = tmp();
    logs.length = 0;
    expect(
      await ingestCommand(['--from', events, '--lake', lake, '--json', '--batch-size', '1000'], ctx),
    ).toBe(0);
    expect(
      await ingestCommand(['--from', events, '--lake', lake, '--json', '--batch-size', '700'], ctx),
    ).toBe(0);
    const [first, second] = logs.map(
      (l) =>
        JSON.parse(l) as {
          lines: number;
          landed: number;
          quarantined: number;
          replayed: number;
          reasons: Record<string, number>;
        },
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      summary: { events: number; valid: number };
    };
    expect(first).toMatchObject({
      lines: manifest.summary.events + 1,
      landed: manifest.summary.valid,
      quarantined: manifest.summary.events - manifest.summary.valid + 1,
    });
    expect(first?.reasons.body_not_utf8).toBe(1);
    expect(second).toMatchObject({ landed: 0, quarantined: 0, replayed: first?.lines });
    const store = new LocalFsStore(lake);
    const bronze = await rowsOf(prefixed(store, 'bronze/pos_events'));
    const quarantine = await rowsOf(prefixed(store, 'bronze/pos_events_quarantine'));
    expect(bronze.length).toBe(first?.landed);
    expect(quarantine.length).toBe(first?.quarantined);
    expect(quarantine.find((r) => r.reason_code === 'body_not_utf8')).toMatchObject({
      raw_encoding: 'base64',
      raw_body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64'),
    });
  });

  test('a file that changes while it is ingested is reported (appended lines are not read)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const file = path.join(tmp(), 'growing.jsonl');
    const bodies = simulatePosTraffic({ seed: 8, stores: 2, events: 30 }).events.map((e) => e.body);
    fs.writeFileSync(file, bodies.join('\n') + '\n');
    let appended = false;
    // The lake store appends to the file when it first writes, i.e. after the digest, mid-landing.
    const growing = {
      ...ctx,
      openStore: (url: string) =>
        new Proxy(ctx.openStore(url), {
          get(target, key) {
            if (!appended && (key === 'put' || key === 'putIfAbsent')) {
              appended = true;
              fs.appendFileSync(file, `${bodies[0]}\n`);
            }
            const value = Reflect.get(target, key) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }),
    };
    const lake = tmp();
    await expect(
      ingestCommand(['--from', file, '--lake', lake, '--json', '--batch-size', '7'], growing),
    ).rejects.toThrow(/changed while it was being ingested/);
    expect(appended).toBe(true);
    const bronze = await rowsOf(prefixed(new LocalFsStore(lake), 'bronze/pos_events'));
    const quarantine = await rowsOf(prefixed(new LocalFsStore(lake), 'bronze/pos_events_quarantine'));
    expect(bronze.length + quarantine.length).toBe(bodies.length);
  });

  test('a gzip file lands as its content: the same events plain or gzipped are one stream', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    const dir = tmp();
    const bodies = simulatePosTraffic({ seed: 4, stores: 2, events: 200, rates: { malformed: 0.1 } }).events;
    const content = Buffer.from(bodies.map((e) => e.body).join('\n') + '\n');
    const gz = path.join(dir, 'events.log.gz'); // recognised by its bytes, not its name
    fs.writeFileSync(gz, gzipSync(content));
    fs.writeFileSync(path.join(dir, 'events.jsonl'), content);
    const lake = tmp();
    for (const file of [gz, path.join(dir, 'events.jsonl')])
      expect(await ingestCommand(['--from', file, '--lake', lake, '--json', '--batch-size', '64'], ctx)).toBe(
        0,
      );
    const [first, second] = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ lines: bodies.length, replayed: 0 });
    expect((first?.landed as number) + (first?.quarantined as number)).toBe(bodies.length);
    expect(second).toMatchObject({
      streamId: first?.streamId,
      landed: 0,
      quarantined: 0,
      replayed: bodies.length,
    });
    const store = new LocalFsStore(lake);
    const raw = (await rowsOf(prefixed(store, 'bronze/pos_events'))).map((r) => r.raw_payload);
    expect(raw).toEqual(expect.arrayContaining([bodies.find((e) => e.malformation === null)?.body]));
  });

  test('a file that is one JSON array is quarantined line by line, with a hint to convert it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    const dir = tmp();
    const events = [validEventBody(), validEventBody()];
    fs.writeFileSync(path.join(dir, 'array.json'), `[\n  ${events.join(',\n  ')}\n]\n`);
    fs.writeFileSync(path.join(dir, 'lines.jsonl'), `${events.join('\n')}\n`);
    const lake = tmp();
    expect(await ingestCommand(['--from', path.join(dir, 'array.json'), '--lake', lake, '--json'], ctx)).toBe(
      0,
    );
    expect(stderr.join('')).toMatch(/hint: .*array\.json starts with '\['.*jq -c/);
    stderr.length = 0;
    expect(
      await ingestCommand(['--from', path.join(dir, 'lines.jsonl'), '--lake', lake, '--json'], ctx),
    ).toBe(0);
    expect(stderr.join('')).not.toContain('hint');
  });

  test('a line longer than the event limit spanning chunks is quarantined from its head, with its full size', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const small = createCliContext(loadSettings({ INGEST_MAX_EVENT_BYTES: '1000' }));
    // One JSON array on one 20 MB line (the reader's chunks are 8 MB), between two events.
    const array = `[${Array.from({ length: 40_000 }, () => validEventBody()).join(',')}]`;
    expect(array.length).toBeGreaterThan(16 << 20);
    const [a, b] = [validEventBody(), validEventBody()];
    const file = path.join(tmp(), 'export.json');
    fs.writeFileSync(file, `${a}\n${array}\n${b}\n`);
    const lake = tmp();
    expect(await ingestCommand(['--from', file, '--lake', lake, '--json'], small)).toBe(0);
    expect(JSON.parse(logs[0] ?? '')).toMatchObject({
      lines: 3,
      quarantined: 1,
      reasons: { body_too_large: 1 },
    });
    const [row] = await rowsOf(prefixed(new LocalFsStore(lake), 'bronze/pos_events_quarantine'));
    expect(row).toMatchObject({
      eh_sequence_number: 2n,
      eh_offset: String(a.length + 1),
      raw_truncated: true,
    });
    expect(row?.reason_messages).toEqual([expect.stringContaining(`${array.length} bytes > limit 1000`)]);
    expect(Buffer.from(row?.raw_body as string, 'base64').toString()).toBe(array.slice(0, 1000));
  });

  test('--from repeated and folders: each file lands once as its own stream; a copy lands nothing', async () => {
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = tmp();
    const day = (seed: number) =>
      simulatePosTraffic({ seed, stores: 2, events: 40 }).events.map((e) => e.body);
    fs.writeFileSync(path.join(dir, '2026-11-17.jsonl'), day(1).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, '2026-11-18.ndjson.gz'), gzipSync(day(2).join('\n') + '\n'));
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not events');
    const copy = path.join(tmp(), 'copy.jsonl');
    fs.copyFileSync(path.join(dir, '2026-11-17.jsonl'), copy);
    const lake = tmp();
    expect(await ingestCommand(['--from', dir, '--from', copy, '--lake', lake, '--json'], ctx)).toBe(0);
    const summaries = logs.map(
      (l) => JSON.parse(l) as { file: string; lines: number; landed: number; replayed: number },
    );
    expect(summaries.map((s) => path.basename(s.file))).toEqual([
      '2026-11-17.jsonl',
      '2026-11-18.ndjson.gz',
      'copy.jsonl',
    ]);
    expect(summaries[0]?.lines).toBe(day(1).length);
    expect(summaries[1]?.lines).toBe(day(2).length);
    expect(summaries[2]).toMatchObject({ landed: 0, replayed: day(1).length });
    const bronze = await rowsOf(prefixed(new LocalFsStore(lake), 'bronze/pos_events'));
    expect(bronze.length).toBe((summaries[0]?.landed ?? 0) + (summaries[1]?.landed ?? 0));

    await expect(ingestCommand(['--from', tmp(), '--lake', tmp()], ctx)).rejects.toThrow(
      /no \.jsonl, \.ndjson or \.json files/,
    );
    await expect(
      ingestCommand(['--from', path.join(dir, 'nope.jsonl'), '--lake', tmp()], ctx),
    ).rejects.toThrow(/nope\.jsonl: no such file or folder/);
  });
});
