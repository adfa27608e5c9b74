/**
 * Benchmark: our Parquet writer vs DuckDB on the same POS-like rows.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/parquet-write.js [--rows 1000000] [--runs 3]
 *
 * Generates N rows (event_id uuid, store_id low cardinality, sku, quantity integer, unit_price and
 * line_total decimal(18,2), occurred_at timestamp, ingest_date date, payload ~300-byte JSON) as
 * columns in the writer's value model, plus the same rows as NDJSON. Then, per run:
 * - ours:   writeParquet(columns, snappy) + write the file;
 * - duckdb: COPY (SELECT * FROM read_json(ndjson)) TO parquet (snappy) — the reference the
 *           architecture guide measured (it includes DuckDB's JSON parsing, on all its threads);
 * - duckdb-table: COPY of the same rows already loaded in a DuckDB table (encoder only).
 * Prints rows/s, the ratio ours/duckdb (time ratio: < 1 means we are faster), file sizes, and
 * checks that both files hold the same data (row count, sums, min/max, payload hash).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeParquet } from '../shared/delta/parquet/parquet-writer.js';
import { field, struct } from '../shared/delta/protocol/schema.js';

interface Args {
  rows: number;
  runs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { rows: 1_000_000, runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = Number(argv[i + 1]);
    if ((a === '--rows' || a === '--runs') && Number.isInteger(v) && v > 0) {
      if (a === '--rows') args.rows = v;
      else args.runs = v;
      i++;
    } else {
      throw new Error(`usage: parquet-write [--rows N] [--runs R] (bad argument ${a})`);
    }
  }
  return args;
}

const schema = struct(
  field('event_id', 'string', false),
  field('store_id', 'string', false),
  field('sku', 'string', false),
  field('quantity', 'integer', false),
  field('unit_price', 'decimal(18,2)', false),
  field('line_total', 'decimal(18,2)', false),
  field('occurred_at', 'timestamp', false),
  field('ingest_date', 'date', false),
  field('payload', 'string', false),
);

interface Data {
  columns: unknown[][];
  ndjsonPath: string;
}

/** Deterministic generator (LCG) so runs are comparable. */
function generate(n: number, dir: string): Data {
  let seed = 42;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const hex = (len: number): string => {
    let s = '';
    for (let i = 0; i < len; i++) s += ((rnd() * 16) | 0).toString(16);
    return s;
  };
  const stores = Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(4, '0')}`);
  const eventId: string[] = new Array<string>(n);
  const storeId: string[] = new Array<string>(n);
  const sku: string[] = new Array<string>(n);
  const quantity: number[] = new Array<number>(n);
  const unitPrice: bigint[] = new Array<bigint>(n);
  const lineTotal: bigint[] = new Array<bigint>(n);
  const occurredAt: bigint[] = new Array<bigint>(n);
  const ingestDate: number[] = new Array<number>(n);
  const payload: string[] = new Array<string>(n);
  const ndjsonPath = join(dir, 'rows.ndjson');
  const fd = openSync(ndjsonPath, 'w');
  let lines: string[] = [];
  const base = Date.UTC(2026, 10, 1) * 1000;
  for (let i = 0; i < n; i++) {
    const id = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const store = stores[(rnd() * stores.length) | 0] as string;
    const s = `SKU-${String((rnd() * 20000) | 0).padStart(6, '0')}`;
    const q = 1 + ((rnd() * 5) | 0);
    const cents = 99 + ((rnd() * 5000) | 0);
    const total = q * cents;
    const micros = base + Math.floor(rnd() * 30 * 86400e6);
    const ts = new Date(Math.floor(micros / 1000))
      .toISOString()
      .replace('Z', `${String(micros % 1000).padStart(3, '0')}Z`);
    const price = (cents / 100).toFixed(2);
    const lineTot = (total / 100).toFixed(2);
    const event = {
      schemaVersion: 1,
      eventId: id,
      eventType: 'sale',
      transactionId: `T${hex(10)}`,
      storeId: store,
      registerId: `R0${(rnd() * 9) | 0}`,
      cashierId: `E${(rnd() * 9999) | 0}`,
      occurredAt: ts,
      currency: 'USD',
      lines: [{ lineNo: 1, sku: s, quantity: q, unitPrice: price, lineTotal: lineTot }],
      total: lineTot,
    };
    const json = JSON.stringify(event);
    eventId[i] = id;
    storeId[i] = store;
    sku[i] = s;
    quantity[i] = q;
    unitPrice[i] = BigInt(cents);
    lineTotal[i] = BigInt(total);
    occurredAt[i] = BigInt(micros);
    ingestDate[i] = Math.floor(micros / 86400e6);
    payload[i] = json;
    lines.push(
      JSON.stringify({
        event_id: id,
        store_id: store,
        sku: s,
        quantity: q,
        unit_price: price,
        line_total: lineTot,
        occurred_at: ts,
        ingest_date: ts.slice(0, 10),
        payload: json,
      }),
    );
    if (lines.length === 10_000) {
      writeSync(fd, lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length) writeSync(fd, lines.join('\n') + '\n');
  closeSync(fd);
  return {
    columns: [eventId, storeId, sku, quantity, unitPrice, lineTotal, occurredAt, ingestDate, payload],
    ndjsonPath,
  };
}

const READ_JSON_COLUMNS =
  "{event_id:'VARCHAR', store_id:'VARCHAR', sku:'VARCHAR', quantity:'INTEGER', unit_price:'DECIMAL(18,2)', " +
  "line_total:'DECIMAL(18,2)', occurred_at:'TIMESTAMPTZ', ingest_date:'DATE', payload:'VARCHAR'}";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const { rows, runs } = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'parquet-bench-'));
  try {
    let t = performance.now();
    const data = generate(rows, dir);
    console.log(
      `generated ${rows} rows + NDJSON (${mb(statSync(data.ndjsonPath).size)}) in ${ms(performance.now() - t)}`,
    );

    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const threads = JSON.stringify(
      (await con.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJson()[0]?.['t'],
    );
    await con.run(
      `CREATE TABLE t AS SELECT * FROM read_json('${data.ndjsonPath}', format='newline_delimited', columns=${READ_JSON_COLUMNS})`,
    );

    const ourPath = join(dir, 'ours.parquet');
    const duckPath = join(dir, 'duck.parquet');
    const duckTablePath = join(dir, 'duck-table.parquet');
    const ours: number[] = [];
    const duck: number[] = [];
    const duckTable: number[] = [];
    // One untimed warm-up of each (JIT, page cache), then `runs` timed rounds, interleaved.
    for (let r = -1; r < runs; r++) {
      t = performance.now();
      const bytes = writeParquet(schema, data.columns, { compression: 'snappy' });
      writeFileSync(ourPath, bytes);
      const tOurs = performance.now() - t;

      t = performance.now();
      await con.run(
        `COPY (SELECT * FROM read_json('${data.ndjsonPath}', format='newline_delimited', columns=${READ_JSON_COLUMNS})) ` +
          `TO '${duckPath}' (FORMAT parquet, COMPRESSION snappy)`,
      );
      const tDuck = performance.now() - t;

      t = performance.now();
      await con.run(`COPY t TO '${duckTablePath}' (FORMAT parquet, COMPRESSION snappy)`);
      const tDuckTable = performance.now() - t;
      if (r >= 0) {
        ours.push(tOurs);
        duck.push(tDuck);
        duckTable.push(tDuckTable);
      }
      console.log(
        `${r < 0 ? 'warm-up' : `run ${r + 1}`}: ours ${ms(tOurs)}, duckdb read_json+COPY ${ms(tDuck)}, duckdb table COPY ${ms(tDuckTable)}`,
      );
    }

    const o = median(ours);
    const d = median(duck);
    const dt = median(duckTable);
    console.log(
      `\nrows: ${rows}, runs: ${runs} (median), DuckDB threads: ${threads}, node ${process.version}`,
    );
    console.log(
      `ours                      : ${ms(o).padStart(9)}  ${rate(rows, o)}  file ${mb(statSync(ourPath).size)}`,
    );
    console.log(
      `duckdb read_json + COPY   : ${ms(d).padStart(9)}  ${rate(rows, d)}  file ${mb(statSync(duckPath).size)}`,
    );
    console.log(
      `duckdb table COPY         : ${ms(dt).padStart(9)}  ${rate(rows, dt)}  file ${mb(statSync(duckTablePath).size)}`,
    );
    console.log(
      `ratio ours/duckdb (time)  : ${(o / d).toFixed(2)}x   (vs table COPY: ${(o / dt).toFixed(2)}x)`,
    );

    // Bronze hot path: 10k-row batches (one row group, one file each).
    const BATCH = 10_000;
    const batches = Math.min(50, Math.floor(rows / BATCH));
    if (batches > 0) {
      const slices = Array.from({ length: batches }, (_, b) =>
        data.columns.map((c) => c.slice(b * BATCH, (b + 1) * BATCH)),
      );
      const oursBatch: number[] = [];
      let batchBytes = 0;
      for (const cols of [slices[0] as unknown[][], ...slices]) {
        t = performance.now();
        const bytes = writeParquet(schema, cols);
        oursBatch.push(performance.now() - t);
        batchBytes = bytes.length;
      }
      oursBatch.shift(); // warm-up
      const duckBatch: number[] = [];
      for (let b = -1; b < batches; b++) {
        const off = Math.max(0, b) * BATCH;
        t = performance.now();
        await con.run(
          `COPY (SELECT * FROM t LIMIT ${BATCH} OFFSET ${off}) TO '${join(dir, 'batch.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
        );
        if (b >= 0) duckBatch.push(performance.now() - t);
      }
      const ob = median(oursBatch);
      const db = median(duckBatch);
      console.log(
        `10k-row batch (median of ${batches}): ours ${ob.toFixed(1)} ms (${rate(BATCH, ob).trim()}, ${mb(batchBytes)}), ` +
          `duckdb table COPY ${db.toFixed(1)} ms (${rate(BATCH, db).trim()})`,
      );
    }

    // Same data in both files?
    const check = async (path: string): Promise<string> => {
      const r = await con.runAndReadAll(
        `SELECT count(*) AS n, sum(quantity) AS q, sum(unit_price)::VARCHAR AS up, sum(line_total)::VARCHAR AS lt,
                min(epoch_us(occurred_at)) AS tmin, max(epoch_us(occurred_at)) AS tmax, sum(ingest_date - DATE '1970-01-01') AS days,
                count(DISTINCT store_id) AS stores, count(DISTINCT sku) AS skus,
                sum(hash(event_id || payload))::VARCHAR AS h
         FROM read_parquet('${path}')`,
      );
      return JSON.stringify(r.getRowObjectsJson()[0]);
    };
    const a = await check(ourPath);
    const b = await check(duckPath);
    console.log(`content check: ${a === b ? 'identical' : 'DIFFERENT'} ${a}`);
    con.closeSync();
    instance.closeSync();
    if (a !== b) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function rate(rows: number, millis: number): string {
  return `${Math.round(rows / (millis / 1000)).toLocaleString('en-US')} rows/s`.padStart(20);
}

await main();
