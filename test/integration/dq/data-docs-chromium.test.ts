/**
 * Data Docs render in headless Chromium: the gate writes the page, the HTTP handler serves it on a
 * real port, Chromium loads it, takes a screenshot (a PNG file is written) and dumps the DOM, whose text
 * is asserted. Chromium comes from `bash scripts/setup-chromium.sh`; when it is missing this test fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDataDocsRequest } from '../../../shared/dq/data-docs-handler.js';
import { isRowLevel } from '../../../shared/dq/expectations/registry.js';
import { runDqGate } from '../../../shared/dq/run-dq-gate.js';
import { readSuiteFile } from '../../../shared/dq/suite.js';
import { REPO_ROOT } from '../../support/python.js';
import { tempDir } from '../../unit/dq/dq-fixtures.js';
import { buildRetailLake } from '../../unit/dq/retail-fixtures.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];

let server: Server;
let base: string;
const out = mkdtempSync(join(tmpdir(), 'dq-docs-shot-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`bash scripts/setup-chromium.sh\``);
  const lake = await buildRetailLake(tempDir('dq-docs-'));
  const suite = await readSuiteFile(join(REPO_ROOT, 'shared', 'dq', 'suites', 'silver-transactions.retail.json'), isRowLevel);
  await runDqGate({ lake, suites: [suite], runId: 'docs-run-1' });
  await runDqGate({ lake, suites: [suite], runId: 'docs-run-2' });
  server = createServer((req, res) => {
    handleDataDocsRequest({ method: req.method ?? 'GET', path: req.url ?? '/' }, lake).then(
      (r) => {
        res.writeHead(r.status, r.headers).end(r.body);
      },
      (err: unknown) => {
        res.writeHead(500).end(String(err));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Data Docs in headless Chromium', () => {
  it('renders the run page: screenshot written, page text asserted', async () => {
    const shot = join(out, 'data-docs.png');
    const profile = (name: string) => `--user-data-dir=${mkdtempSync(join(tmpdir(), `dq-chromium-${name}-`))}`;
    await run(CHROMIUM, [...FLAGS, profile('shot'), `--screenshot=${shot}`, '--window-size=1400,1800', `${base}/docs-run-2`], { timeout: 90_000 });
    expect(existsSync(shot)).toBe(true);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');

    const { stdout } = await run(CHROMIUM, [...FLAGS, profile('dom'), '--dump-dom', `${base}/docs-run-2`], { timeout: 90_000, maxBuffer: 1 << 24 });
    const text = stdout.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Data quality – run docs-run-2');
    expect(text).toContain('silver_transactions.retail');
    expect(text).toContain('expect_basket_line_totals_to_sum_to_subtotal');
    expect(text).toContain('FAIL');
    expect(text).toContain('PASS');
    expect(text).toContain('2 run(s)');
    expect(text).toMatch(/Gate: (BLOCKED|PASSED WITH WARNINGS)/);
  }, 180_000);
});
