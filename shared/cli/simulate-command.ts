/**
 * `lakehouse simulate` — deterministic POS traffic for local runs, backfills and checks
 * (ARCHITECTURE.md §3.3). Writes, under --out: events.jsonl (one body per line, arrival order),
 * stores.csv, products.csv, history/sales_daily_<date>.csv and manifest.json (options + summary).
 * With --target stdout the events go to stdout instead (master data still to --out when given).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SIMULATION,
  simulatePosTraffic,
  type Simulation,
  type SimulationOptions,
} from '../ingest/simulator/pos-traffic.js';
import { toCsv } from '../ingest/simulator/csv.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse simulate --out <dir> [options]

Generates deterministic retail POS traffic (same options → same bytes).

Options:
  --seed N               generator seed (default ${DEFAULT_SIMULATION.seed})
  --stores N             number of stores (default ${DEFAULT_SIMULATION.stores})
  --events N             receipts to generate (default ${DEFAULT_SIMULATION.events}; duplicates come on top)
  --out DIR              output directory (events.jsonl, stores.csv, products.csv, history/, manifest.json)
  --target file|stdout|http  where events go (default file: DIR/events.jsonl)
  --url URL              http target: the ingest endpoint, e.g. http://localhost:7071/api/events
  --function-key KEY     http target: sent as x-functions-key
  --http-batch N         http target: events per request, sent as NDJSON (default 500)
  --start YYYY-MM-DD     first business day (default ${DEFAULT_SIMULATION.start})
  --days N               business days covered (default ${DEFAULT_SIMULATION.days})
  --skus N               catalogue size (default ${DEFAULT_SIMULATION.skus})
  --history-days N       days of daily history CSVs before --start (default ${DEFAULT_SIMULATION.historyDays})
  --malformed-rate R     share of malformed bodies (default ${DEFAULT_SIMULATION.rates.malformed})
  --duplicate-rate R     share of events resent with the same eventId (default ${DEFAULT_SIMULATION.rates.duplicate})
  --late-rate R          share uploaded hours late by offline registers (default ${DEFAULT_SIMULATION.rates.late})
  --out-of-order-rate R  share delayed by minutes (default ${DEFAULT_SIMULATION.rates.outOfOrder})
  --refund-rate R        share of refunds of earlier sales (default ${DEFAULT_SIMULATION.rates.refund})
  --void-rate R          share of post-voids (default ${DEFAULT_SIMULATION.rates.void})
  --quiet                no progress output
  -h, --help             show this help

Not yet: --target eventhub (needs @azure/event-hubs) and --target local (the local runtime's event hub).`;

export async function simulateCommand(argv: string[], _ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      stores: { type: 'string' },
      events: { type: 'string' },
      out: { type: 'string' },
      target: { type: 'string', default: 'file' },
      url: { type: 'string' },
      'function-key': { type: 'string' },
      'http-batch': { type: 'string', default: '500' },
      start: { type: 'string' },
      days: { type: 'string' },
      skus: { type: 'string' },
      'history-days': { type: 'string' },
      'malformed-rate': { type: 'string' },
      'duplicate-rate': { type: 'string' },
      'late-rate': { type: 'string' },
      'out-of-order-rate': { type: 'string' },
      'refund-rate': { type: 'string' },
      'void-rate': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const target = values.target;
  if (target !== 'file' && target !== 'stdout' && target !== 'http')
    throw new UsageError(`--target ${target} is not supported yet (file, stdout or http)`);
  if (target === 'http' && !values.url) throw new UsageError('--target http needs --url');
  if (target === 'file' && !values.out) throw new UsageError(`--out is required\n\n${HELP}`);
  const d = DEFAULT_SIMULATION;
  const options: SimulationOptions = {
    ...d,
    seed: int(values.seed, '--seed', d.seed, 0),
    stores: int(values.stores, '--stores', d.stores, 1),
    events: int(values.events, '--events', d.events, 0),
    start: date(values.start ?? d.start),
    days: int(values.days, '--days', d.days, 1),
    skus: int(values.skus, '--skus', d.skus, 1),
    historyDays: int(values['history-days'], '--history-days', d.historyDays, 0),
    rates: {
      ...d.rates,
      malformed: rate(values['malformed-rate'], '--malformed-rate', d.rates.malformed),
      duplicate: rate(values['duplicate-rate'], '--duplicate-rate', d.rates.duplicate),
      late: rate(values['late-rate'], '--late-rate', d.rates.late),
      outOfOrder: rate(values['out-of-order-rate'], '--out-of-order-rate', d.rates.outOfOrder),
      refund: rate(values['refund-rate'], '--refund-rate', d.rates.refund),
      void: rate(values['void-rate'], '--void-rate', d.rates.void),
    },
  };
  const progress = values.quiet ? undefined : progressBar();
  const started = performance.now();
  const sim = simulatePosTraffic(options, progress);
  if (values.out) await writeMasterData(values.out, sim);
  let posted = '';
  if (target === 'stdout') await writeLines(process.stdout, sim);
  else if (target === 'http')
    posted = await postEvents(
      sim,
      values.url ?? '',
      int(values['http-batch'], '--http-batch', 500, 1),
      values['function-key'],
    );
  else if (values.out) await writeEventsFile(join(values.out, 'events.jsonl'), sim);
  if (progress) process.stderr.write('\n');
  const s = sim.summary;
  const log =
    target === 'stdout' ? (t: string) => process.stderr.write(`${t}\n`) : (t: string) => console.log(t);
  log(
    `simulated ${s.events} events (${s.valid} valid, ${s.malformed} malformed, ${s.duplicates} duplicates, ${s.late} late, ${s.outOfOrder} out of order)`,
  );
  log(
    `  sales ${s.byType.sale}, refunds ${s.byType.refund}, voids ${s.byType.void}; ${sim.stores.length} stores, ${sim.products.length} SKUs; ${s.firstOccurred} … ${s.lastOccurred}`,
  );
  if (posted) log(`  ${posted}`);
  log(
    `  ${target === 'http' ? `posted to ${values.url ?? ''}` : values.out ? `written to ${values.out}` : 'events on stdout'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

/** POSTs the events in arrival order as NDJSON batches; summarises the 202 answers. */
async function postEvents(
  sim: Simulation,
  url: string,
  batch: number,
  key: string | undefined,
): Promise<string> {
  let accepted = 0;
  let rejected = 0;
  let requests = 0;
  for (let i = 0; i < sim.events.length; i += batch) {
    const body =
      sim.events
        .slice(i, i + batch)
        .map((e) => e.body)
        .join('\n') + '\n';
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-ndjson', ...(key ? { 'x-functions-key': key } : {}) },
    });
    requests++;
    if (res.status !== 202)
      throw new Error(`POST ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const answer = (await res.json()) as { accepted?: number; rejected?: number };
    accepted += answer.accepted ?? 0;
    rejected += answer.rejected ?? 0;
  }
  return `${requests} requests: ${accepted} accepted, ${rejected} rejected`;
}

export async function writeMasterData(out: string, sim: Simulation): Promise<void> {
  await mkdir(join(out, 'history'), { recursive: true });
  await writeFile(
    join(out, 'stores.csv'),
    toCsv(
      [
        'store_id',
        'name',
        'city',
        'country',
        'time_zone',
        'currency',
        'open_hour',
        'close_hour',
        'registers',
        'tax_rate',
        'opened_date',
      ],
      sim.stores.map((s) => [
        s.storeId,
        s.name,
        s.city,
        s.country,
        s.timeZone,
        s.currency,
        s.openHour,
        s.closeHour,
        s.registers,
        (s.taxBp / 10_000).toFixed(4),
        s.openedDate,
      ]),
    ),
  );
  await writeFile(
    join(out, 'products.csv'),
    toCsv(
      ['sku', 'name', 'category', 'brand', 'unit_price', 'tax_exempt'],
      sim.products.map((p) => [p.sku, p.name, p.category, p.brand, cents(p.priceCents), p.taxExempt]),
    ),
  );
  const byDay = new Map<string, (string | number)[][]>();
  for (const h of sim.history) {
    const rows = byDay.get(h.businessDate) ?? [];
    rows.push([h.businessDate, h.storeId, h.sku, h.units, cents(h.netSalesCents), h.receipts]);
    byDay.set(h.businessDate, rows);
  }
  for (const [day, rows] of byDay) {
    await writeFile(
      join(out, 'history', `sales_daily_${day}.csv`),
      toCsv(['business_date', 'store_id', 'sku', 'units', 'net_sales', 'receipts'], rows),
    );
  }
  await writeFile(
    join(out, 'manifest.json'),
    JSON.stringify({ generator: 'lakehouse simulate', options: sim.options, summary: sim.summary }, null, 2) +
      '\n',
  );
}

async function writeEventsFile(path: string, sim: Simulation): Promise<void> {
  const stream = createWriteStream(path);
  await writeLines(stream, sim);
  await new Promise<void>((resolve, reject) =>
    stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

async function writeLines(stream: NodeJS.WritableStream, sim: Simulation): Promise<void> {
  const chunk: string[] = [];
  for (const e of sim.events) {
    chunk.push(e.body);
    if (chunk.length === 5000) await write(stream, chunk.splice(0).join('\n') + '\n');
  }
  if (chunk.length) await write(stream, chunk.join('\n') + '\n');
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return stream.write(text)
    ? Promise.resolve()
    : new Promise((resolve) => stream.once('drain', () => resolve()));
}

function progressBar(): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r  generating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
    );
  };
}

function cents(c: number): string {
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}

function int(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${text}`);
  return n;
}

function rate(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`${flag} must be between 0 and 1, got ${text}`);
  return n;
}

function date(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    throw new UsageError(`--start must be YYYY-MM-DD, got ${text}`);
  return text;
}
