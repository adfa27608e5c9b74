/**
 * `npm run bench -- <name> [options]`: runs one benchmark of this folder in its own Node process (with
 * the flags it needs); without a name, lists them. Each benchmark's file header documents its options.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_NODE_OPTIONS } from '../shared/config/worker-node-options.js';

const BENCHES: Record<string, { what: string; nodeFlags?: string[] }> = {
  ingest: {
    what: 'Bronze landing vs DuckDB read_json → COPY, and commit contention',
    // Ours runs with the worker's Node options in Azure (DuckDB's memory is native: unaffected).
    nodeFlags: WORKER_NODE_OPTIONS.split(' '),
  },
  transforms: {
    what: 'Silver+Gold full run vs the same SQL raw in DuckDB, and an incremental run after one hour',
    nodeFlags: ['--expose-gc', '--max-old-space-size=12000'],
  },
  'parquet-write': { what: 'our Parquet writer vs DuckDB COPY' },
  'snapshot-load': { what: 'Delta snapshot load vs delta-rs' },
  compaction: { what: 'OPTIMIZE: DuckDB scan time before/after' },
  dq: { what: 'the DQ gate (retail + core suites) over 5M Silver lines' },
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : BENCHES[name];
if (!bench) {
  if (name !== undefined && name !== '--help' && name !== '-h') console.error(`unknown benchmark: ${name}\n`);
  console.error('usage: npm run bench -- <name> [options]   (options: see the header of bench/<name>.ts)\n');
  for (const [n, b] of Object.entries(BENCHES)) console.error(`  ${n.padEnd(14)} ${b.what}`);
  process.exit(name === undefined || name === '--help' || name === '-h' ? 0 : 2);
}
const script = join(dirname(fileURLToPath(import.meta.url)), `${name}.js`);
const child = spawnSync(process.execPath, [...(bench.nodeFlags ?? []), script, ...args], {
  stdio: 'inherit',
});
process.exit(child.status ?? 1);
