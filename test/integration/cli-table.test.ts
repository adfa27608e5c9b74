/** The `lakehouse table` verbs as a user runs them: output format, exit codes, one-line errors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

const GOLDEN = path.resolve(__dirname, '../../../shared/conformance/delta-golden');

describe('lakehouse table', () => {
  test('scan prints JSON Lines in the fixed format', async () => {
    const r = await runCli(['table', 'scan', path.join(GOLDEN, 'basic-decimal-table/delta')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBe(4);
    for (const l of lines) {
      const row = JSON.parse(l) as Record<string, unknown>;
      expect(Object.keys(row)).toEqual(['part', 'col1', 'col2', 'col3']);
      expect(typeof row.col1).toBe('string');
      expect(row.col1 as string).toMatch(/^-?\d+\.\d{2}$/);
    }
  });

  test('scan --version time-travels', async () => {
    const table = path.join(GOLDEN, 'snapshot-data2-deleted/delta');
    const v1 = await runCli(['table', 'scan', table, '--version', '1']);
    const latest = await runCli(['table', 'scan', table]);
    expect(v1.code).toBe(0);
    expect(latest.code).toBe(0);
    expect(v1.stdout).not.toEqual(latest.stdout);
  });

  test('an unsupported table fails with one line naming the feature', async () => {
    const r = await runCli(['table', 'scan', path.join(GOLDEN, 'dv-partitioned-with-checkpoint/delta')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('deletionVectors');
  });

  test('a folder without _delta_log is a clear error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-table-'));
    const r = await runCli(['table', 'scan', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no Delta table/);
  });

  test('history, files and stats', async () => {
    const table = path.join(GOLDEN, 'basic-with-inserts-deletes-checkpoint/delta');
    const h = await runCli(['table', 'history', table]);
    expect(h.code).toBe(0);
    const entries = h.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { version: number; operation?: string });
    expect(entries[0]?.version).toBe(13);
    expect(entries.some((e) => e.operation === 'DELETE')).toBe(true);
    const f = await runCli(['table', 'files', table]);
    expect(
      f.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith('.parquet')),
    ).toBe(true);
    const s = await runCli(['table', 'stats', table]);
    const stats = JSON.parse(s.stdout) as { version: number; numFiles: number; checkpointVersion: number };
    expect(stats.version).toBe(13);
    expect(stats.checkpointVersion).toBe(10);
    expect(stats.numFiles).toBe(f.stdout.trim().split('\n').length);
  });

  test('usage errors exit 2 and --help exits 0', async () => {
    expect((await runCli(['table', 'frobnicate', '/tmp'])).code).toBe(2);
    expect((await runCli(['table', 'scan', '/tmp', '--version', 'x'])).code).toBe(2);
    const help = await runCli(['table', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('scan');
  });
});
