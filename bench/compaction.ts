/**
 * Benchmark: a Bronze-like table with many small files (one per Event Hub batch), scanned by DuckDB
 * before and after our compaction; also compaction throughput (MB/s on one core — Node runs the
 * rewrite on one thread).
 *
 *   npm run build && node dist/bench/compaction.js [--files 10000] [--rows-per-file 50]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalFsStore } from '../shared/delta/storage/local-fs-store.js';
import { createTable } from '../shared/delta/table.js';
import { loadSnapshot } from '../shared/delta/snapshot/snapshot.js';
import { Transaction } from '../shared/delta/transaction/transaction.js';
import { writeDataFiles } from '../shared/delta/write/data-file-writer.js';
import { compact } from '../shared/delta/maintenance/optimize.js';
import { resolveActionPath } from '../shared/delta/protocol/paths.js';
import { field, struct } from '../shared/delta/protocol/schema.js';
import type { Add } from '../shared/delta/protocol/actions.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    'rows-per-file': { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
  },
});
const files = Number(values.files);
const rowsPerFile = Number(values['rows-per-file']);
const runs = Number(values.runs);

const schema = struct(
  field('event_id', 'string', false),
  field('store_id', 'string', false),
  field('occurred_at', 'timestamp', false),
  field('total', 'decimal(18,2)', false),
  field('raw_payload', 'string', false),
  field('eh_sequence_number', 'long', false),
  field('ingest_date', 'date', false),
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compact-'));
const store = new LocalFsStore(dir);
await createTable(store, { schema, partitionColumns: ['ingest_date'] });
let snapshot = await loadSnapshot(store);
let pending: Add[] = [];
const t0 = performance.now();
for (let f = 0; f < files; f++) {
  const ids = Array.from({ length: rowsPerFile }, (_, i) => f * rowsPerFile + i);
  pending.push(
    ...(await writeDataFiles(store, schema, ['ingest_date'], {
      event_id: ids.map((i) => `evt-${i}`),
      store_id: ids.map((i) => `S${String(i % 97).padStart(4, '0')}`),
      occurred_at: ids.map((i) => 1_764_000_000_000_000n + BigInt(i) * 7_000_000n),
      total: ids.map((i) => BigInt((i * 37) % 100_000)),
      raw_payload: ids.map((i) =>
        JSON.stringify({ eventId: `evt-${i}`, lines: [{ sku: `SKU-${i % 5000}`, quantity: 1 + (i % 3) }] }),
      ),
      eh_sequence_number: ids.map((i) => BigInt(i)),
      ingest_date: ids.map(() => 20_417),
    })),
  );
  if (pending.length >= 500 || f === files - 1) {
    const r = await new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' })
      .addFiles(pending)
      .commit();
    if (r.kind !== 'committed') throw new Error('commit failed');
    snapshot = { ...snapshot, version: r.version };
    pending = [];
  }
  if (f % 1000 === 0) process.stdout.write(`\rwriting ${f}/${files} small files`);
}
snapshot = await loadSnapshot(store);
process.stdout.write(
  `\rwrote ${snapshot.files.length} files, ${files * rowsPerFile} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);

const db = await (await DuckDBInstance.create(':memory:')).connect();
const QUERY = (list: string) =>
  `SELECT store_id, count(*) AS n, sum(total) AS s FROM read_parquet(${list}) GROUP BY store_id ORDER BY store_id`;
async function duckScan(): Promise<{ ms: number; rows: number }> {
  const snap = await loadSnapshot(store);
  const list = `[${snap.files
    .map((a) => {
      const p = resolveActionPath(a.path);
      return `'${path.join(dir, p.kind === 'relative' ? p.path : '').replaceAll("'", "''")}'`;
    })
    .join(',')}]`;
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const r = await db.runAndReadAll(QUERY(list));
    times.push(performance.now() - s);
    rows = r.getRows().reduce((n, row) => n + Number(row[1]), 0);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN, rows };
}
const before = await duckScan();
const metrics = await compact(store, {
  targetFileSize: 128 * 1024 * 1024,
  clusterBy: ['store_id', 'occurred_at'],
  maxBytesPerRun: 8 * 1024 * 1024 * 1024,
  maxFilesPerRun: files + 1,
});
const after = await duckScan();
if (before.rows !== after.rows || after.rows !== files * rowsPerFile)
  throw new Error(`row count changed: ${before.rows} → ${after.rows}`);
const mb = metrics.bytesRewritten / 1024 / 1024;
console.log(`DuckDB GROUP BY scan over the table (median of ${runs}):`);
console.log(`  before: ${metrics.filesBefore} files  ${before.ms.toFixed(0)} ms`);
console.log(
  `  after : ${metrics.filesAfter} files  ${after.ms.toFixed(0)} ms   speed-up ${(before.ms / after.ms).toFixed(1)}x`,
);
console.log(
  `compaction: ${metrics.filesRemoved} files (${mb.toFixed(1)} MiB) → ${metrics.filesAdded} in ${(metrics.durationMs / 1000).toFixed(1)} s = ${(mb / (metrics.durationMs / 1000)).toFixed(1)} MB/s on one core; ${metrics.commits} commits, ${metrics.conflicts} conflicts`,
);
fs.rmSync(dir, { recursive: true, force: true });
