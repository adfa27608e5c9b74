/**
 * Benchmark: the Bronze landing use case vs DuckDB on the same POS batches, and commit contention.
 *
 *   npm run bench -- ingest [--runs 5] [--warmup 10] [--warmup-events 20000] [--sizes 100,1000,10000]
 *                           [--partitions 8,32]
 *
 * (bench/run.ts starts it with the Node options the worker has in Azure, WORKER_NODE_OPTIONS.)
 *
 * Part 1, per batch size (simulator events, valid, one NDJSON file per batch on disk; both sides start
 * from that file):
 * - ours:   read the file and split it into line bytes (what `lakehouse ingest` does; the Event Hub
 *           trigger, registered with dataType 'binary', hands over the same: one byte body per event)
 *           + landBatch = UTF-8 decode + single-pass scan of each body (scan-event.ts; JSON.parse +
 *           validation only for what it leaves) + Bronze columns + snappy Parquet + one Delta commit
 *           with txn on a local folder (fsync'd data file and commit, snapshot load included);
 * - duckdb: COPY (SELECT … FROM read_json(<batch>.ndjson, columns={typed key columns, lines and
 *           tenders as JSON})) TO parquet (snappy) — no validation, no commit.
 * events/s/core = events / CPU seconds of the process (user+system, so DuckDB's threads count too).
 * Two figures per side, after max(--warmup batches, --warmup-events events) of the size on each side
 * (distinct batches, not measured): a worker lands batches back to back, so what counts is the
 * JIT-compiled steady state, not the first calls (at 1k, one warm-up batch instead of 10 reads ~25 %
 * slower for us; at 100, 10 batches = 1000 events are not enough either: 5.0 vs 2.7 ms CPU per batch
 * after 200; DuckDB is native code and moves little):
 * - median: the median batch of --runs (the typical batch);
 * - sustained: all events of the --runs over all their CPU time. Ours pays a major GC every few
 *   batches (10k: one batch in four costs ~1.6x the median), which the median leaves out and a worker
 *   landing batches back to back pays; this is the throughput figure.
 * The batch files are written before anything is measured and the generated events dropped, so the
 * harness's own data does not sit in our heap (the worker's live set is small; 190k event strings
 * kept alive made every major GC mark ~130 MB more).
 * Ratio = ours / duckdb (higher is better for us).
 *
 * Part 2: P partitions land batches of 100 events concurrently into one table (local folder, one
 * process), 'grouped' (shared ports: in-process group commit) and 'separate' (a store object per
 * partition: every partition races in the Delta log, as separate instances would); reports commit
 * attempts per commit (lost version races), txn conflicts and commit rate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalFsStore } from '../shared/delta/storage/local-fs-store.js';
import { loadSettings } from '../shared/config/config.js';
import { landPorts } from '../shared/ingest/compose.js';
import { splitJsonLines } from '../shared/ingest/json-lines.js';
import { landBatch, type LandResult } from '../shared/ingest/land-batch.js';
import { simulatePosTraffic } from '../shared/ingest/simulator/pos-traffic.js';

interface Args {
  runs: number;
  warmup: number;
  warmupEvents: number;
  sizes: number[];
  partitions: number[];
  batchesPerPartition: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    runs: 5,
    warmup: 10,
    warmupEvents: 20_000,
    sizes: [100, 1000, 10_000],
    partitions: [8, 32],
    batchesPerPartition: 10,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ''] = [argv[i], argv[i + 1]];
    const list = value.split(',').map(Number);
    if (flag === '--runs') args.runs = Number(value);
    else if (flag === '--warmup') args.warmup = Number(value);
    else if (flag === '--warmup-events') args.warmupEvents = Number(value);
    else if (flag === '--sizes') args.sizes = list;
    else if (flag === '--partitions') args.partitions = list;
    else if (flag === '--batches') args.batchesPerPartition = Number(value);
    else
      throw new Error(
        `usage: ingest [--runs N] [--warmup N] [--warmup-events N] [--sizes a,b] [--partitions a,b] [--batches N] (bad ${flag})`,
      );
  }
  const counts = [
    args.runs,
    args.warmup,
    args.warmupEvents,
    args.batchesPerPartition,
    ...args.sizes,
    ...args.partitions,
  ];
  if (!counts.every((n) => Number.isInteger(n) && n >= 0) || args.runs < 1)
    throw new Error(`ingest: counts must be whole numbers (--runs at least 1): ${argv.join(' ')}`);
  return args;
}

const DUCK_COLUMNS =
  "{schemaVersion:'INTEGER', eventId:'VARCHAR', eventType:'VARCHAR', transactionId:'VARCHAR', storeId:'VARCHAR', registerId:'VARCHAR', " +
  "cashierId:'VARCHAR', occurredAt:'TIMESTAMPTZ', currency:'VARCHAR', lines:'JSON', tenders:'JSON', subtotal:'DECIMAL(18,2)', " +
  "tax:'DECIMAL(18,2)', total:'DECIMAL(18,2)', customerId:'VARCHAR', loyaltyPoints:'BIGINT', originalTransactionId:'VARCHAR'}";

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const settings = loadSettings({ INGEST_MAX_EVENT_AGE_DAYS: '3650' });
  try {
    const sim = simulatePosTraffic({
      seed: 1,
      stores: 50,
      events: Math.max(...args.sizes.map((size) => size * (args.runs + warmupBatches(args, size)))),
      rates: { malformed: 0, duplicate: 0 },
    });
    const perSize = new Map<number, string[]>();
    for (const size of args.sizes) {
      const files: string[] = [];
      for (let r = 0; r < warmupBatches(args, size) + args.runs; r++) {
        const file = join(dir, `batch-${size}-${r}.ndjson`);
        writeFileSync(
          file,
          sim.events
            .slice(r * size, (r + 1) * size)
            .map((e) => e.body)
            .join('\n') + '\n',
        );
        files.push(file);
      }
      perSize.set(size, files);
    }
    sim.events.length = 0; // the harness's events out of the heap: only the files remain
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const threads = (await con.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]
      ?.t;
    console.log(
      `node ${process.version} ${[...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim() || "(no node options: `npm run bench -- ingest` adds the worker's)"}, ` +
        `DuckDB threads ${JSON.stringify(threads)}, runs ${args.runs} (median batch, and sustained = their events / their CPU, after max(${args.warmup} batches, ${args.warmupEvents} events) of warm-up)\n`,
    );
    console.log(
      'batch   median: ours ev/s/core   duckdb ev/s/core   ratio   sustained: ours   duckdb   ratio   median ms (wall) ours   duckdb',
    );
    for (const size of args.sizes) {
      const lake = new LocalFsStore(join(dir, `lake-${size}`));
      const ports = landPorts(lake, settings);
      const ours: { cpu: number; wall: number }[] = [];
      const duck: { cpu: number; wall: number }[] = [];
      const warmup = warmupBatches(args, size);
      for (let r = 0; r < warmup + args.runs; r++) {
        const file = perSize.get(size)?.[r] ?? '';
        const o = await measure(async () => {
          const lines = splitJsonLines(await readFile(file));
          const positions = lines.map((l) => ({ sequenceNumber: r * size + l.lineNo }));
          const bodies = lines.map((l) => l.bytes);
          await landBatch(ports, bodies, { source: 'file', streamId: 'bench', partitionId: '0', positions });
        });
        const d = await measure(() =>
          con.run(
            `COPY (SELECT * FROM read_json('${file}', format='newline_delimited', columns=${DUCK_COLUMNS})) TO '${join(dir, `duck-${size}-${r}.parquet`)}' (FORMAT parquet, COMPRESSION snappy)`,
          ),
        );
        if (r >= warmup) {
          ours.push(o);
          duck.push(d);
        }
      }
      const oc = median(ours.map((x) => x.cpu));
      const dc = median(duck.map((x) => x.cpu));
      const ow = median(ours.map((x) => x.wall));
      const dw = median(duck.map((x) => x.wall));
      const [os, ds] = [sum(ours.map((x) => x.cpu)), sum(duck.map((x) => x.cpu))];
      const events = size * args.runs;
      console.log(
        `${String(size).padStart(5)}   ${fmt(size / oc).padStart(22)}   ${fmt(size / dc).padStart(16)}   ${(dc / oc).toFixed(2).padStart(5)}x   ` +
          `${fmt(events / os).padStart(15)}   ${fmt(events / ds).padStart(6)}   ${(ds / os).toFixed(2).padStart(5)}x   ` +
          `${ow.toFixed(1).padStart(21)}   ${dw.toFixed(1).padStart(6)}`,
      );
    }
    con.closeSync();

    const maxPartitions = Math.max(0, ...args.partitions);
    const lines = simulatePosTraffic({
      seed: 2,
      stores: 50,
      events: maxPartitions * args.batchesPerPartition * 100 + 200,
      rates: { malformed: 0, duplicate: 0 },
    }).events.map((e) => e.body);
    console.log('\nconcurrent partitions → one table (local folder), batches of 100 events');
    console.log(
      'partitions mode   appends   Delta commits   mean group   attempts/commit (mean p95 max)   commits that lost ≥1 race   txn conflicts   commits/s   events/s',
    );
    for (const p of args.partitions)
      for (const separate of [false, true]) {
        const lake = new LocalFsStore(join(dir, `conc-${p}-${String(separate)}`));
        const ports = landPorts(lake, settings);
        // separate: one store object per partition = one group committer each, like separate instances.
        const partPorts = Array.from({ length: p }, () =>
          separate ? landPorts(new LocalFsStore(lake.root), settings) : ports,
        );
        await landBatch(ports, [], { source: 'file' }); // create the tables outside the measurement
        const results: LandResult[] = [];
        const started = performance.now();
        await Promise.all(
          Array.from({ length: p }, async (_, part) => {
            for (let b = 0; b < args.batchesPerPartition; b++) {
              const batch = lines
                .slice(((part * args.batchesPerPartition + b) * 100) % (lines.length - 100))
                .slice(0, 100);
              const positions = batch.map((_, i) => ({ sequenceNumber: b * 100 + i }));
              results.push(
                await landBatch(partPorts[part] ?? ports, batch, {
                  source: 'eventhub',
                  streamId: `cg-${part}`,
                  partitionId: String(part),
                  positions,
                }),
              );
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const appends = results.flatMap((r) => r.commits);
        // One entry per Delta commit (members of a group commit report the same version).
        const commits = [...new Map(appends.map((c) => [`${c.table}@${String(c.version)}`, c])).values()];
        const attempts = commits.map((c) => c.attempts).sort((a, b) => a - b);
        const lost = commits.filter((c) => c.attempts > 1).length;
        const txn = appends.reduce((n, c) => n + c.txnConflicts, 0);
        const mean = attempts.reduce((a, b) => a + b, 0) / attempts.length;
        const p95 = attempts[Math.floor(attempts.length * 0.95)] ?? 0;
        console.log(
          `${`${p} ${separate ? 'separate' : 'grouped'}`.padStart(14)}   ${String(appends.length).padStart(7)}   ${String(commits.length).padStart(13)}   ${(appends.length / commits.length).toFixed(1).padStart(10)}   ${mean.toFixed(2).padStart(12)} ${String(p95).padStart(4)} ${String(attempts[attempts.length - 1]).padStart(4)}   ${`${lost} (${((100 * lost) / commits.length).toFixed(0)}%)`.padStart(25)}   ${String(txn).padStart(13)}   ${(commits.length / seconds).toFixed(0).padStart(9)}   ${fmt(results.reduce((n, r) => n + r.landed, 0) / seconds).padStart(8)}`,
        );
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Warm-up batches for a size: enough batches and enough events for the JIT's steady state. */
function warmupBatches(args: Args, size: number): number {
  return Math.max(args.warmup, Math.ceil(args.warmupEvents / Math.max(1, size)));
}

async function measure(fn: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1e6, wall };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}

await main();
