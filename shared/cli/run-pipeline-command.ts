/**
 * `lakehouse run pipeline --lake <url> [--landing <dir>] [--date D]`: one batch orchestration run
 * (load, Silver/Gold, DQ, publish) on the embedded runtime, followed with progress. Exit 0 when the
 * run succeeded, 1 when a step failed (the failing step and its error are printed).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalRuntime } from '../local/runtime.js';
import { pipelineInstanceId } from '../../orchestrations/names.js';
import type { CustomStatus, PipelineResult } from '../../orchestrations/pipeline-types.js';
import { defaultBusinessDate, parseBusinessDate } from '../pipeline/start-run.js';
import { UsageError } from './output.js';
import type { CliContext } from './context.js';

const HELP = `Usage: lakehouse run pipeline [--lake URL] [--landing DIR] [--date YYYY-MM-DD] [--rerun]

Runs the batch orchestration once on the embedded runtime (in-memory Azurite for its state) and
follows it: load master data and history from the landing folder, build Silver and Gold, run the DQ
gate, publish. Exit 0 when the run succeeded.

Options:
  --lake URL       lake root (default LAKE_URL, .local/lake)
  --landing DIR    landing folder or URL (default LANDING_URL, .local/landing)
  --date D         business date (default yesterday, UTC)
  -h, --help       show this help`;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function runPipelineCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      lake: { type: 'string' },
      landing: { type: 'string' },
      date: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const date = values.date === undefined ? defaultBusinessDate(Date.now()) : parseBusinessDate(values.date);
  if (date === undefined) throw new UsageError(`--date must be YYYY-MM-DD, got ${values.date ?? ''}`);
  const runtime = await startLocalRuntime({
    entry: path.join(REPO_ROOT, 'dist/index.js'),
    appDir: REPO_ROOT,
    port: 0,
    timers: false,
    settings: {
      LAKE_URL: values.lake ?? ctx.settings.LAKE_URL,
      LANDING_URL: values.landing ?? ctx.settings.LANDING_URL,
    },
    log: () => undefined,
  });
  try {
    const r = await fetch(`${runtime.baseUrl}/api/pipeline/runs?code=${runtime.keys.functionKey}`, {
      method: 'POST',
      body: JSON.stringify({ date, kind: 'manual' }),
    });
    if (r.status >= 400) throw new Error(`could not start the pipeline: ${await r.text()}`);
    const id = pipelineInstanceId(date, 'manual');
    console.error(`pipeline ${id} started`);
    let last = '';
    const done = runtime.durable.waitForCompletion(id, { timeoutMs: 3_600_000 });
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      const s = await runtime.durable.getStatus(id);
      const message = (s?.customStatus as CustomStatus | null)?.message ?? String(s?.runtimeStatus ?? '');
      if (message !== last) console.error(`  ${message}`);
      last = message;
      await new Promise((res) => setTimeout(res, 250));
    }
    const status = await done;
    const result = status.output as PipelineResult | null;
    if (!result) throw new Error(`pipeline ${id} ended ${String(status.runtimeStatus)} without a result`);
    for (const s of result.steps) {
      console.log(
        `${s.step.padEnd(9)} ${s.status.padEnd(9)} ${s.durationMs ?? ''} ms  ${s.error ?? s.detail ?? ''}`,
      );
    }
    console.log(`pipeline ${id}: ${result.status}`);
    return result.status === 'succeeded' ? 0 : 1;
  } finally {
    await runtime.stop();
  }
}
