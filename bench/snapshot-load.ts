/**
 * Benchmark: snapshot load of a 10,000-commit table with checkpoints, ours vs delta-rs on the same
 * table in the same run. Prints medians and the ratio (ours / delta-rs; < 1 means we are faster).
 *
 *   npm run build && node dist/bench/snapshot-load.js [--commits 10000] [--files-per-commit 1] [--runs 7]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalFsStore } from '../shared/delta/storage/local-fs-store.js';
import { createTable } from '../shared/delta/table.js';
import { loadSnapshot } from '../shared/delta/snapshot/snapshot.js';
import { Transaction } from '../shared/delta/transaction/transaction.js';
import { writeCheckpoint } from '../shared/delta/checkpoint/checkpoint-writer.js';
import { field, struct } from '../shared/delta/protocol/schema.js';
import { pythonBin } from './python.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '10000' },
    'files-per-commit': { type: 'string', default: '1' },
    runs: { type: 'string', default: '7' },
    interval: { type: 'string', default: '10' },
  },
});
const commits = Number(values.commits);
const filesPerCommit = Number(values['files-per-commit']);
const runs = Number(values.runs);
const interval = Number(values.interval);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-snapshot-'));
const store = new LocalFsStore(dir);
const t0 = performance.now();
await createTable(store, {
  schema: struct(field('id', 'long'), field('day', 'date')),
  partitionColumns: ['day'],
  configuration: { 'delta.checkpointInterval': String(interval) },
});
let snapshot = await loadSnapshot(store);
for (let v = 1; v <= commits; v++) {
  const adds = Array.from({ length: filesPerCommit }, (_, i) => ({
    path: `day=2025-01-${String(1 + (v % 28)).padStart(2, '0')}/part-${v}-${i}.snappy.parquet`,
    partitionValues: { day: `2025-01-${String(1 + (v % 28)).padStart(2, '0')}` },
    size: 1000,
    modificationTime: Date.now(),
    dataChange: true,
    stats: '{"numRecords":10,"minValues":{"id":1},"maxValues":{"id":10},"nullCount":{"id":0}}',
  }));
  const txn = new Transaction({ store, readSnapshot: snapshot, operation: 'WRITE' }).addFiles(adds);
  if (v % 3 === 0) txn.setTransaction(`app-${v % 16}`, v);
  const r = await txn.commit();
  if (r.kind !== 'committed') throw new Error('bench commit failed');
  snapshot = { ...snapshot, version: r.version };
  if (v % interval === 0) await writeCheckpoint(await loadSnapshot(store, { version: v }));
  if (v % 1000 === 0) process.stdout.write(`\rbuilding table: ${v}/${commits} commits`);
}
process.stdout.write(`\rbuilt ${commits} commits (+checkpoints every ${interval}) in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${dir}\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
async function timeOurs(version?: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const snap = await loadSnapshot(new LocalFsStore(dir), version === undefined ? {} : { version });
    times.push(performance.now() - s);
    if (snap.files.length === 0) throw new Error('empty snapshot');
  }
  return median(times);
}
const oursLatest = await timeOurs();
const oursTravel = await timeOurs(Math.floor(commits / 2) + 3);

const py = `
import json, sys, time, statistics
from deltalake import DeltaTable
path, runs, travel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def t(version=None):
    xs = []
    for _ in range(runs):
        s = time.perf_counter()
        dt = DeltaTable(path, version=version) if version is not None else DeltaTable(path)
        n = len(dt.file_uris())
        xs.append((time.perf_counter() - s) * 1000)
    return statistics.median(xs), n
latest, n1 = t()
travel_ms, n2 = t(travel)
print(json.dumps({"latest": latest, "travel": travel_ms, "files": n1}))
`;
const out = execFileSync(pythonBin(), ['-c', py, dir, String(runs), String(Math.floor(commits / 2) + 3)], { encoding: 'utf8' });
const rs = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { latest: number; travel: number; files: number };

console.log(`snapshot load, ${commits} commits, ${snapshot.version + 1} versions, ${rs.files} live files (median of ${runs}):`);
console.log(`  latest       ours ${oursLatest.toFixed(1)} ms   delta-rs ${rs.latest.toFixed(1)} ms   ratio ours/delta-rs ${(oursLatest / rs.latest).toFixed(2)}`);
console.log(`  time travel  ours ${oursTravel.toFixed(1)} ms   delta-rs ${rs.travel.toFixed(1)} ms   ratio ours/delta-rs ${(oursTravel / rs.travel).toFixed(2)}`);
fs.rmSync(dir, { recursive: true, force: true });
