/**
 * `lakehouse simulate` — deterministic POS traffic for local runs, backfills and checks
 * (ARCHITECTURE.md §3.3). Writes, under --out: events.jsonl (one body per line, arrival order),
 * stores.csv, products.csv, history/sales_daily_<date>.csv and manifest.json (options + summary).
 * With --target stdout the events go to stdout instead (master data still to --out when given); with
 * --target http to the ingest endpoint, with --target eventhub to an Event Hub (partition key = store).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_SIMULATION,
  simulatePosTraffic,
  type Simulation,
  type SimulationOptions,
} from '../ingest/simulator/pos-traffic.js';
import { writeEventsFile, writeLines, writeMasterData } from '../ingest/simulator/simulation-files.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';
import type { Settings } from '../config/config.js';
import type { EventHubProducerClient } from '@azure/event-hubs';
import { sendToEventHub } from '../ingest/simulator/event-hub-target.js';
import { postEvents } from '../ingest/simulator/http-target.js';

const HELP = `Usage: lakehouse simulate --out <dir> [options]

Generates deterministic retail POS traffic (same options → same bytes).

Options:
  --seed N               generator seed (default ${DEFAULT_SIMULATION.seed})
  --stores N             number of stores (default ${DEFAULT_SIMULATION.stores})
  --events N             receipts to generate (default ${DEFAULT_SIMULATION.events}; duplicates come on top)
  --out DIR              output directory (events.jsonl, stores.csv, products.csv, history/, manifest.json)
  --target file|stdout|http|eventhub  where events go (default file: DIR/events.jsonl)
  --url URL              http target: the ingest endpoint, e.g. http://localhost:7071/api/events
  --function-key KEY     http target: sent as x-functions-key
  --http-batch N         http target: events per request, sent as NDJSON (default 500); network
                         errors, 408, 429 and 5xx are retried with backoff (Retry-After honoured)
  --http-gzip            http target: gzip the requests (Content-Encoding: gzip)
  --eventhub-connection CS  eventhub target: connection string, with or without EntityPath
  --eventhub-namespace NS   eventhub target: NS.servicebus.windows.net, signed in with DefaultAzureCredential
  --eventhub-name HUB    eventhub target: the hub (default: EntityPath, else POS_EVENTHUB_NAME, the trigger's)
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

--target eventhub sends each body as bytes with partition key = store id, batched per store (order kept).
Not supported: --target local (the local runtime's event hub; \`lakehouse run\` streams into it).`;

export async function simulateCommand(argv: string[], ctx: CliContext): Promise<number> {
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
      'http-gzip': { type: 'boolean', default: false },
      'eventhub-connection': { type: 'string' },
      'eventhub-namespace': { type: 'string' },
      'eventhub-name': { type: 'string' },
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
  if (target !== 'file' && target !== 'stdout' && target !== 'http' && target !== 'eventhub')
    throw new UsageError(`--target ${target} is not supported (file, stdout, http or eventhub)`);
  if (target === 'http' && !values.url) throw new UsageError('--target http needs --url');
  const hubFlag = ['eventhub-connection', 'eventhub-namespace', 'eventhub-name'].find((f) => f in values);
  if (target !== 'eventhub' && hubFlag) throw new UsageError(`--${hubFlag} needs --target eventhub`);
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
  // Built before generating, so a bad connection is a usage error at once; it connects on first use.
  const producer = target === 'eventhub' ? await openEventHubProducer(values, ctx.settings) : undefined;
  const progress = values.quiet ? undefined : progressBar('generating');
  const started = performance.now();
  const sim = simulatePosTraffic(options, progress);
  if (values.out) await writeMasterData(values.out, sim);
  let posted = '';
  if (target === 'stdout') await writeLines(process.stdout, sim);
  else if (target === 'http') {
    if (progress) process.stderr.write('\n');
    const sent = await postEvents(
      sim.events.map((e) => e.body),
      {
        url: values.url ?? '',
        batch: int(values['http-batch'], '--http-batch', 500, 1),
        functionKey: values['function-key'],
        gzip: values['http-gzip'],
        onProgress: progress ? progressBar('posting') : undefined,
      },
    );
    posted = `${sent.requests} requests (${sent.retries} retried): ${sent.accepted} accepted, ${sent.rejected} rejected`;
  } else if (producer) posted = await sendEvents(producer, sim, !values.quiet);
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
    `  ${target === 'http' ? `posted to ${values.url ?? ''}` : producer ? `sent to ${producer.fullyQualifiedNamespace}/${producer.eventHubName}` : values.out ? `written to ${values.out}` : 'events on stdout'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

type HubFlags = Partial<Record<'eventhub-connection' | 'eventhub-namespace' | 'eventhub-name', string>>;

/**
 * The Event Hubs client for --target eventhub: a connection string, or a namespace and the signed-in
 * identity. Loaded on demand, so other commands do not pay for the AMQP and identity stacks. Errors never
 * echo the connection string (it holds the key).
 */
async function openEventHubProducer(flags: HubFlags, settings: Settings): Promise<EventHubProducerClient> {
  const { 'eventhub-connection': connection, 'eventhub-namespace': namespace } = flags;
  const name = flags['eventhub-name'] || undefined;
  if ((connection === undefined) === (namespace === undefined))
    throw new UsageError('--target eventhub needs one of --eventhub-connection CS, --eventhub-namespace NS');
  const { EventHubProducerClient, parseEventHubConnectionString } = await import('@azure/event-hubs');
  if (connection !== undefined) {
    let entityPath: string | undefined;
    try {
      entityPath = parseEventHubConnectionString(connection).eventHubName;
    } catch (err) {
      throw new UsageError(`--eventhub-connection: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (name !== undefined && entityPath !== undefined && name !== entityPath)
      throw new UsageError(`--eventhub-name ${name} differs from the connection string's hub ${entityPath}`);
    return new EventHubProducerClient(connection, name ?? entityPath ?? settings.POS_EVENTHUB_NAME);
  }
  const host = (namespace ?? '').replace(/^sb:\/\//, '').replace(/\/$/, '');
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))
    throw new UsageError(`--eventhub-namespace must be a host (NS.servicebus.windows.net), got ${namespace}`);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new EventHubProducerClient(host, name ?? settings.POS_EVENTHUB_NAME, new DefaultAzureCredential());
}

/** Sends the events (partition key = store) and closes the client; summarises what was sent. */
async function sendEvents(producer: EventHubProducerClient, sim: Simulation, bar: boolean): Promise<string> {
  if (bar) process.stderr.write('\n');
  try {
    const sent = await sendToEventHub(producer, sim.events, {
      onProgress: bar ? progressBar('sending') : undefined,
    });
    return `sent ${sent.events} events in ${sent.batches} batches to ${sent.hub} (${sent.partitions} partitions)`;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const where = `${producer.fullyQualifiedNamespace}/${producer.eventHubName}`;
    throw new Error(`Event Hub ${where}: ${why}`, { cause: err });
  } finally {
    await producer.close();
  }
}

function progressBar(label: string): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
    );
  };
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
