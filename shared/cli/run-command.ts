/**
 * `lakehouse run` (what `npm start` runs): the whole pipeline locally, on embedded defaults.
 *
 * It starts Azurite and the embedded Functions runtime on the app's real registrations, writes the
 * simulated stores' master data and history to the landing folder, streams simulated POS traffic into
 * the in-process Event Hub (the Event Hub function lands it in Bronze exactly once), runs the batch
 * orchestration (load, Silver/Gold, DQ, publish) at start and again after the stream drains, compacts
 * Bronze with the maintenance timer, and prints a summary that checks exactly-once landing. Ctrl-C stops
 * cleanly: in-flight batches finish and checkpoint, or are redelivered on the next start.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { simulatePosTraffic, DEFAULT_SIMULATION } from '../ingest/simulator/pos-traffic.js';
import type { Simulation } from '../ingest/simulator/pos-traffic.js';
import { startLocalRuntime } from '../local/runtime.js';
import type { LocalRuntime } from '../local/runtime.js';
import { pipelineInstanceId } from '../../orchestrations/names.js';
import type { PipelineResult } from '../../orchestrations/pipeline-types.js';
import { writeMasterData } from '../ingest/simulator/simulation-files.js';
import { printPipeline, report, summary } from './run-report.js';
import { runPipelineCommand } from './run-pipeline-command.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse run [options]        (npm start -- [options])

Runs the whole pipeline locally: Azurite + the embedded Functions runtime, simulated POS traffic into
the local Event Hub, exactly-once landing in Bronze, the batch orchestration (load, Silver/Gold, DQ,
publish), Bronze compaction, and a summary. Ctrl-C (or SIGTERM) stops cleanly.

Options:
  --duration SECONDS   how long to stream events (default 20; 0 = until Ctrl-C; 0 with --no-simulator:
                       serve the HTTP API until Ctrl-C, e.g. to POST your own events)
  --rate N             events per second (default 200)
  --stores N           simulated stores (default 8)
  --seed N             simulator seed (default: random, printed)
  --lake URL           lake root: folder, file:///…, az://container/prefix (default LAKE_URL, .local/lake)
  --landing DIR        landing folder for master data and history (default LANDING_URL, .local/landing)
  --port N             HTTP port of the local Functions host (default 7071; 0 = any free port)
  --key KEY            function key of the HTTP API (?code=KEY or x-functions-key; default random, printed)
  --state DIR          where Azurite keeps its data between runs (default .local/azurite)
  --no-simulator       do not stream events; only run the pipeline on what is there
  --no-pipeline        do not run the batch orchestration
  -h, --help           show this help`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const DAY_MS = 86_400_000;

/**
 * The last business day (YYYY-MM-DD) that has ended in every time zone at `nowMs`: day D is over
 * everywhere once it is midnight at UTC−12, i.e. D+1 12:00 UTC. (The UTC date of yesterday is not: at
 * 00:30 UTC it is still that day's evening in the Americas, and its receipts would be in the future.)
 */
export function lastClosedBusinessDay(nowMs: number): string {
  return new Date(nowMs - DAY_MS - DAY_MS / 2).toISOString().slice(0, 10);
}

/**
 * The traffic `lakehouse run` streams: the two business days up to `lastClosedBusinessDay`, so no
 * receipt is "in the future" in any store's time zone, whatever the hour.
 */
export function runSimulationOptions(o: {
  seed: number;
  stores: number;
  rate: number;
  duration: number;
  nowMs: number;
}) {
  return {
    seed: o.seed,
    stores: o.stores,
    events: Math.max(1, Math.round(o.rate * (o.duration || 60))),
    start: new Date(Date.parse(lastClosedBusinessDay(o.nowMs)) - DAY_MS).toISOString().slice(0, 10),
    days: 2,
    historyDays: Math.min(DEFAULT_SIMULATION.historyDays, 14),
  };
}

export async function runCommand(argv: string[], ctx: CliContext): Promise<number> {
  if (argv[0] === 'pipeline') return runPipelineCommand(argv.slice(1), ctx);
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '20' },
      rate: { type: 'string', default: '200' },
      stores: { type: 'string', default: '8' },
      seed: { type: 'string' },
      lake: { type: 'string' },
      landing: { type: 'string' },
      port: { type: 'string', default: '7071' },
      key: { type: 'string' },
      state: { type: 'string', default: '.local/azurite' },
      'no-simulator': { type: 'boolean', default: false },
      'no-pipeline': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const duration = number(values.duration, '--duration', 0);
  const rate = number(values.rate, '--rate', 1);
  const stores = number(values.stores, '--stores', 1);
  const port = number(values.port, '--port', 0);
  if (values.key !== undefined && !/^[\w.~-]+$/.test(values.key))
    throw new UsageError('--key must be non-empty letters, digits, _ . ~ - (it goes into URLs as ?code=)');
  const seed =
    values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : number(values.seed, '--seed', 0);
  const lakeUrl = values.lake ?? ctx.settings.LAKE_URL;
  const landingDir = values.landing ?? ctx.settings.LANDING_URL;
  const lake = ctx.openStore(lakeUrl);

  const now = Date.now();
  const businessDate = lastClosedBusinessDay(now);
  let sim: Simulation | undefined;
  if (!values['no-simulator']) {
    // Traffic over the two business days that have ended everywhere, landing data for the batch load.
    sim = simulatePosTraffic(runSimulationOptions({ seed, stores, rate, duration, nowMs: now }));
    await writeMasterData(landingDir, sim);
  }

  console.log(`pos-lakehouse local run — lake ${lake.description}, landing ${landingDir}, seed ${seed}`);
  const runtime = await startLocalRuntime({
    entry: path.join(REPO_ROOT, 'dist/index.js'),
    appDir: REPO_ROOT,
    port,
    azurite: { location: path.resolve(values.state) },
    keys: values.key === undefined ? undefined : { functionKey: values.key },
    settings: { LAKE_URL: lakeUrl, LANDING_URL: landingDir },
    log: () => undefined,
  }).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${port} is in use (another \`npm start\` or \`func start\`?): pass --port 0 for any free port, or --port N`,
      );
    }
    throw err;
  });
  console.log(
    `  Functions host on ${runtime.baseUrl} (${runtime.functions.length} functions), Azurite ${runtime.storageConnectionString ? 'on' : 'off'}`,
  );
  console.log(
    `  HTTP API key: ${runtime.keys.functionKey}   e.g. curl -X POST '${runtime.baseUrl}/api/events?code=${runtime.keys.functionKey}' --data-binary @events.jsonl`,
  );

  // Ctrl-C, or SIGTERM (a service manager or container stop): finish in-flight batches, then stop.
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) process.exit(signalExitCode(signal));
    interrupted = signal;
    console.log('\n  stopping: finishing in-flight batches (Ctrl-C again to abort)…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const pipelineId = pipelineInstanceId(businessDate, 'manual');
  let exitCode = 0;
  try {
    if (!values['no-pipeline']) await startPipeline(runtime, businessDate, 'start');
    let sent = 0;
    if (sim) {
      const events = sim.events;
      const started = Date.now();
      let nextReport = started;
      while (sent < events.length && !interrupted) {
        const due =
          duration === 0
            ? sent + rate
            : Math.min(events.length, Math.round(((Date.now() - started) / 1000 + 1) * rate));
        const slice = events.slice(sent, Math.min(due, events.length));
        const byStore = new Map<string, string[]>();
        for (const e of slice) byStore.set(e.storeId, [...(byStore.get(e.storeId) ?? []), e.body]);
        for (const [storeId, bodies] of byStore)
          await runtime.eventHub.send(bodies, { partitionKey: storeId });
        sent += slice.length;
        if (Date.now() >= nextReport) {
          await report(runtime, lake, sent, events.length, started, pipelineId);
          nextReport = Date.now() + 1000;
        }
        if (duration !== 0 && Date.now() - started > duration * 1000 + 5000) break;
        await sleep(Math.max(0, 1000 - ((Date.now() - started) % 1000)));
      }
      await runtime.eventHub.waitUntilDrained({ timeoutMs: 120_000 });
      await report(runtime, lake, sent, events.length, started, pipelineId);
      process.stdout.write('\n');
    } else if (duration === 0) {
      console.log('  serving until Ctrl-C');
      while (!interrupted) await sleep(200);
    }
    if (!values['no-pipeline'] && !interrupted) {
      await runtime.durable.waitForCompletion(pipelineId, { timeoutMs: 600_000 });
      await runtime.durable.purge(pipelineId);
      await startPipeline(runtime, businessDate, 'after the stream drained');
      const final = await runtime.durable.waitForCompletion(pipelineId, { timeoutMs: 600_000 });
      const result = final.output as PipelineResult | null;
      printPipeline(result);
      if (result?.status !== 'succeeded') exitCode = 1;
    }
    if (!interrupted) {
      const firing = await runtime.timers.fire('maintenance-compact-bronze');
      console.log(
        `  maintenance: Bronze compaction ${firing.succeeded ? 'ran' : `failed: ${firing.error ?? ''}`}`,
      );
    }
    const check = await summary(lake, sim, sent);
    if (!check) exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.stop();
  }
  return interrupted ? signalExitCode(interrupted) : exitCode;
}

async function startPipeline(runtime: LocalRuntime, businessDate: string, why: string): Promise<void> {
  const r = await fetch(`${runtime.baseUrl}/api/pipeline/runs?code=${runtime.keys.functionKey}`, {
    method: 'POST',
    body: JSON.stringify({ date: businessDate, kind: 'manual' }),
  });
  const body = (await r.json()) as { instanceId?: string; existing?: boolean; error?: string };
  if (r.status >= 400) throw new Error(`could not start the pipeline: ${body.error ?? r.status}`);
  console.log(
    `  pipeline ${body.instanceId ?? '?'} ${body.existing ? 'already exists' : 'started'} (${why})`,
  );
}

function number(text: string | undefined, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`${flag} must be a number ≥ ${min}, got ${text ?? ''}`);
  return n;
}

/** 128 + the signal's number, as shells report a process stopped by it. */
function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
