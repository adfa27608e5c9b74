/**
 * `lakehouse quarantine summary|export`: the summary counts what the landing quarantined, and the
 * export gives the bodies back so that, once the rule that rejected them is relaxed (here the maximum
 * event age, as after an offline register uploaded weeks of sales), `lakehouse ingest` lands them —
 * once, however often the same selection is exported and ingested.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { ingestCommand } from '../../../shared/cli/ingest-command.js';
import { quarantineCommand } from '../../../shared/cli/quarantine-command.js';
import { createCliContext } from '../../../shared/cli/context.js';
import { loadSettings } from '../../../shared/config/config.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { landBatch } from '../../../shared/ingest/land-batch.js';
import { portsFor, rowsOf } from './helpers.js';
import { validEvent } from '../../unit/ingest/fixtures.js';

afterEach(() => vi.restoreAllMocks());

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

test('summary, export, replay after the rule is relaxed: lands once; what cannot be a line is counted', async () => {
  const logs: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quarantine-'));
  const lake = path.join(dir, 'lake');
  const strict = createCliContext(
    loadSettings({ INGEST_MAX_EVENT_AGE_DAYS: '7', INGEST_MAX_EVENT_BYTES: '4000' }),
  );
  const relaxed = createCliContext(loadSettings({ INGEST_MAX_EVENT_AGE_DAYS: '400' }));

  const old = Array.from({ length: 5 }, () => JSON.stringify(validEvent({ occurredAt: daysAgo(30) })));
  const fresh = JSON.stringify(validEvent({ occurredAt: daysAgo(0.01) }));
  const tooLarge = JSON.stringify(validEvent({ occurredAt: daysAgo(0.01), note: 'x'.repeat(5000) }));
  const file = path.join(dir, 'upload.jsonl');
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from([...old, fresh, tooLarge].join('\n') + '\n'),
      Buffer.from([0xc3, 0x28, 0x0a]),
    ]),
  );
  expect(await ingestCommand(['--from', file, '--lake', lake, '--json'], strict)).toBe(0);
  // Two multi-line bodies over Event Hubs: a pretty-printed event without storeId, and broken JSON.
  const pretty = JSON.stringify({ ...validEvent(), storeId: undefined }, null, 2);
  await landBatch(portsFor(new LocalFsStore(lake)), [pretty, '{"broken":\n1'], {
    source: 'eventhub',
    streamId: 'cg-0',
    partitionId: '0',
    positions: [{ sequenceNumber: 1 }, { sequenceNumber: 2 }],
  });

  logs.length = 0;
  expect(await quarantineCommand(['summary', '--lake', lake, '--json'], strict)).toBe(0);
  const summary = JSON.parse(logs[0] ?? '') as {
    events: number;
    reasons: { reason: string; events: number; sources: Record<string, number> }[];
  };
  expect(summary.events, logs[0]).toBe(9);
  expect(Object.fromEntries(summary.reasons.map((r) => [r.reason, r.events]))).toEqual({
    occurred_at_too_old: 5,
    body_too_large: 1,
    body_not_utf8: 1,
    missing_field: 1,
    body_not_json: 1,
  });
  expect(summary.reasons.find((r) => r.reason === 'missing_field')?.sources).toEqual({ eventhub: 1 });

  // Export only the old events, relax the rule, replay: they land; the same again lands nothing.
  const replay = path.join(dir, 'replay.jsonl');
  for (let run = 0; run < 2; run++) {
    expect(
      await quarantineCommand(
        ['export', '--lake', lake, '--reason', 'occurred_at_too_old', '--out', replay],
        strict,
      ),
    ).toBe(0);
    expect(fs.readFileSync(replay, 'utf8').split('\n').filter(Boolean).sort()).toEqual([...old].sort());
    logs.length = 0;
    expect(await ingestCommand(['--from', replay, '--lake', lake, '--json'], relaxed)).toBe(0);
    expect(JSON.parse(logs[0] ?? '')).toMatchObject(
      run === 0 ? { landed: 5, quarantined: 0 } : { landed: 0, replayed: 5 },
    );
  }
  const bronze = (await rowsOf(new LocalFsStore(path.join(lake, 'bronze/pos_events')))).map(
    (r) => r.raw_payload,
  );
  expect(bronze.sort()).toEqual([...old, fresh].sort());

  // Everything: the non-UTF-8 body comes back as its bytes, the pretty event on one line; the
  // truncated and the broken multi-line bodies are left out and counted.
  const all = path.join(dir, 'all.jsonl');
  logs.length = 0;
  expect(await quarantineCommand(['export', '--lake', lake, '--out', all], strict)).toBe(0);
  expect(logs.join('\n')).toContain('exported 7 quarantined bodies');
  expect(logs.join('\n')).toMatch(/left out: (truncated 1, multiline 1|multiline 1, truncated 1)/);
  const lines = fs.readFileSync(all).toString('latin1').split('\n').filter(Boolean);
  expect(lines).toContain(Buffer.from([0xc3, 0x28]).toString('latin1'));
  expect(
    lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : l)),
  ).toContainEqual(JSON.parse(pretty));
  expect(fs.existsSync(`${all}.partial`)).toBe(false);

  // Filters and errors.
  logs.length = 0;
  expect(await quarantineCommand(['summary', '--lake', lake, '--json', '--source', 'http'], strict)).toBe(0);
  expect(JSON.parse(logs[0] ?? '')).toMatchObject({ events: 0, reasons: [] });
  logs.length = 0;
  expect(
    await quarantineCommand(['summary', '--lake', lake, '--json', '--until', '2000-01-01'], strict),
  ).toBe(0);
  expect(JSON.parse(logs[0] ?? '')).toMatchObject({ events: 0 });
  await expect(
    quarantineCommand(['summary', '--lake', lake, '--since', 'yesterday'], strict),
  ).rejects.toThrow(/--since must be a date/);
  await expect(quarantineCommand(['export', '--lake', lake], strict)).rejects.toThrow(/--out/);
  await expect(quarantineCommand(['list', '--lake', lake], strict)).rejects.toThrow(
    /expected summary or export/,
  );
  await expect(quarantineCommand(['summary', '--lake', path.join(dir, 'nowhere')], strict)).rejects.toThrow(
    /nothing has been quarantined/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
