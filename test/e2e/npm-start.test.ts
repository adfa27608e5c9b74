/**
 * The main job end to end: `npm start -- --duration …` as a user runs it (build, Azurite, embedded
 * runtime, simulator, Event Hub function, pipeline, compaction), then Bronze checked through
 * `lakehouse table scan`: every valid generated delivery exactly once, every malformed one quarantined.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { simulatePosTraffic } from '../../shared/ingest/simulator/pos-traffic.js';
import { runSimulationOptions } from '../../shared/cli/run-command.js';
import { runCli } from '../support/run-cli.js';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'e2e-key_1';

test('npm start -- --duration 6 lands every valid event exactly once and runs the pipeline', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  const lake = path.join(dir, 'lake');
  const startedAt = Date.now();
  const args = [
    'start',
    '--',
    '--duration',
    '6',
    '--rate',
    '60',
    '--stores',
    '4',
    '--seed',
    '1234',
    '--lake',
    lake,
    '--landing',
    path.join(dir, 'landing'),
    '--state',
    path.join(dir, 'azurite'),
    '--port',
    '0',
    '--key',
    KEY,
  ];
  let http: Promise<{ printedKey: string; withKey: number; body: unknown; withoutKey: number }> | undefined;
  const run = await new Promise<{ code: number; out: string }>((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // While it streams, a user POSTs to the printed endpoint with the printed key.
      const url = /HTTP API key: (\S+) .*?'(http:\/\/[^']+)'/.exec(out);
      if (url && !http) http = postWithPrintedKey(url[1] ?? '', url[2] ?? '');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
  expect(run.out).toContain('exactly-once check: every valid delivery is in Bronze exactly once');
  expect(run.out).toMatch(/pipeline batch-manual-\d{4}-\d{2}-\d{2}: succeeded/);
  expect(run.code).toBe(0);
  // The printed key is the one given, and it opens the HTTP API (one body that is not an event).
  expect(await http).toEqual({
    printedKey: KEY,
    withKey: 202,
    body: expect.objectContaining({ accepted: 0, rejected: 1 }) as unknown,
    withoutKey: 401,
  });

  // Independent check through the CLI: the simulator's valid deliveries vs Bronze's event ids.
  const sim = simulatePosTraffic(
    runSimulationOptions({ seed: 1234, stores: 4, rate: 60, duration: 6, nowMs: startedAt }),
  );
  const expected = new Map<string, number>();
  for (const e of sim.events)
    if (e.malformation === null && e.eventId) expected.set(e.eventId, (expected.get(e.eventId) ?? 0) + 1);
  const scan = await runCli(['table', 'scan', path.join(lake, 'bronze/pos_events')]);
  expect(scan.code).toBe(0);
  const landed = new Map<string, number>();
  for (const line of scan.stdout.trim().split('\n')) {
    const id = (JSON.parse(line) as { event_id: string }).event_id;
    landed.set(id, (landed.get(id) ?? 0) + 1);
  }
  expect(landed).toEqual(expected);
  const quarantined = await runCli(['table', 'scan', path.join(lake, 'bronze/pos_events_quarantine')]);
  expect(quarantined.stdout.trim().split('\n').length).toBe(
    sim.events.filter((e) => e.malformation !== null).length + 1, // + the body POSTed above
  );

  // Master data, Silver/Gold, DQ results and the run ledger agree on versions.
  const ledger = (await runCli(['table', 'scan', path.join(lake, 'ops/runs')])).stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          instance_id: string;
          status: string;
          table_versions_json: string;
          recorded_at: string;
        },
    );
  const last = ledger.sort((a, b) => a.recorded_at.localeCompare(b.recorded_at)).at(-1);
  expect(last?.status).toBe('succeeded');
  const versions = JSON.parse(last?.table_versions_json ?? '{}') as Record<string, number>;
  for (const table of [
    'bronze/stores',
    'bronze/products',
    'bronze/sales_history',
    'gold/sales_store_hour',
    'gold/product_sales_daily',
  ]) {
    const stats = JSON.parse((await runCli(['table', 'stats', path.join(lake, table)])).stdout) as {
      version: number;
    };
    expect(versions[table], table).toBe(stats.version);
  }
  const dq = (await runCli(['table', 'scan', path.join(lake, 'ops/dq_results')])).stdout;
  expect(dq).toContain(last?.instance_id ?? 'missing');
  fs.rmSync(dir, { recursive: true, force: true });
}, 600_000);

async function postWithPrintedKey(printedKey: string, url: string) {
  const post = (target: string) =>
    fetch(target, {
      method: 'POST',
      body: '{"not":"an event"}',
      headers: { 'content-type': 'application/json' },
    });
  const withKey = await post(url);
  const body: unknown = await withKey.json();
  const withoutKey = await post(url.replace(/\?code=.*$/, ''));
  return { printedKey, withKey: withKey.status, body, withoutKey: withoutKey.status };
}
