/**
 * `lakehouse run --no-simulator --no-pipeline --duration 0` serves the HTTP API until Ctrl-C, with the
 * key it prints: a user POSTs events to it, stops it with SIGINT (or a service manager with SIGTERM),
 * and the summary counts what landed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { validEvent } from '../../unit/ingest/fixtures.js';

// The built CLI, as `npm start` runs it (the runtime loads the app from dist/index.js; npm test builds).
const MAIN = path.resolve(__dirname, '../../../dist/shared/cli/main.js');

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)(
  'serves POST /api/events with the printed key until %s, then stops cleanly',
  async (signal, code) => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npm run build\` (npm test does)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-'));
    const args = ['run', '--no-simulator', '--no-pipeline', '--duration', '0', '--port', '0'];
    const where = ['--lake', path.join(dir, 'lake'), '--landing', path.join(dir, 'landing')];
    const child = spawn(process.execPath, [MAIN, ...args, ...where, '--state', path.join(dir, 'az')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const served = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /HTTP API key: \S+ .*?'(http:\/\/[^']+)'/.exec(out);
        if (url && out.includes('serving until Ctrl-C')) resolve(url[1] ?? '');
      });
      child.on('close', (code) => reject(new Error(`exited (${String(code)}) without serving:\n${out}`)));
    });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    try {
      const url = await served;
      const body = [validEvent(), validEvent(), { not: 'an event' }].map((e) => JSON.stringify(e)).join('\n');
      const res = await fetch(url, { method: 'POST', body });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ received: 3, accepted: 2, rejected: 1 });
      // Still serving after the request; Ctrl-C stops it and the summary shows what landed.
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull();
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(out).toContain('stopping: finishing in-flight batches');
      expect(out).toMatch(/bronze\/pos_events +version \d+ +files \d+ +rows 2\n/);
      expect(out).toMatch(/bronze\/pos_events_quarantine +version \d+ +files \d+ +rows 1\n/);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  120_000,
);
