/**
 * What `func start` would index: the BUILT app (package.json `main`) loaded through the worker
 * stand-in, and the exact set of functions, triggers and bindings it registers. A function added,
 * renamed or re-bound without updating this list (and infra/) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../shared/local/runtime.js';

const ROOT = path.resolve(__dirname, '../..');
let runtime: LocalRuntime;

beforeAll(async () => {
  const main = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string })
    .main;
  expect(main).toBe('dist/index.js');
  if (!fs.existsSync(path.join(ROOT, main)))
    throw new Error('dist/index.js missing: run `npm run build` (npm test does)');
  runtime = await startLocalRuntime({
    entry: path.join(ROOT, main),
    appDir: ROOT,
    port: 0,
    azurite: false,
    timers: false,
  });
});
afterAll(async () => {
  await runtime?.stop();
});

test('the built app registers exactly these functions with these triggers and bindings', () => {
  const summary = runtime.functions
    .map((f) => {
      const extra = f.bindings
        .filter((b) => b.direction !== 'in' || b.type !== f.triggerType)
        .map((b) => `${b.direction}:${b.type}`);
      const trigger =
        f.triggerType === 'httpTrigger'
          ? `http ${(f.methods ?? []).join(',')} /api/${f.route ?? f.name} auth=${f.authLevel ?? ''}`
          : f.triggerType === 'timerTrigger'
            ? `timer ${f.schedule ?? ''}`
            : f.triggerType === 'eventHubTrigger'
              ? `eventHub ${f.eventHubName ?? ''} cg=${f.consumerGroup ?? ''} conn=${f.connection ?? ''} ${f.cardinality ?? ''}`
              : f.triggerType;
      return `${f.name}: ${trigger}${extra.length ? ` + ${extra.join(' ')}` : ''}`;
    })
    .sort();
  expect(summary).toEqual(
    [
      'ingest-eventhub: eventHub pos-events cg=$Default conn=PosEventHubConnection many',
      'ingest-http: http POST /api/events auth=function + out:http',
      'maintenance-checkpoint-vacuum: timer 0 0 5 * * *',
      'maintenance-compact-bronze: timer 0 5 * * * *',
      'maintenance-compact-gold: timer 0 30 4 * * *',
      'pipeline-nightly: timer 0 0 2 * * * + in:durableClient',
      'pipeline-runs-cancel: http POST /api/pipeline/runs/{id}/cancel auth=function + in:durableClient out:http',
      'pipeline-runs-get: http GET /api/pipeline/runs/{id} auth=function + in:durableClient out:http',
      'pipeline-runs-list: http GET /api/pipeline/runs auth=function + in:durableClient out:http',
      'pipeline-runs-start: http POST /api/pipeline/runs auth=function + in:durableClient out:http',
      'batch-pipeline: orchestrationTrigger',
      'external-job-monitor: orchestrationTrigger',
      'pipeline-load-local: activityTrigger',
      'pipeline-load-raw: activityTrigger',
      'dq-docs: http GET,HEAD /api/dq/docs/{runId?} auth=function + out:http',
      'pipeline-start-adf-run: activityTrigger',
      'pipeline-start-databricks-run: activityTrigger',
      'pipeline-poll-external-job: activityTrigger',
      'pipeline-cancel-external-job: activityTrigger',
      'pipeline-transform-local: activityTrigger',
      'pipeline-dq-gate: activityTrigger',
      'pipeline-publish: activityTrigger',
      'pipeline-record-run: activityTrigger',
    ].sort(),
  );
});

test('the Event Hub trigger carries the retry policy the host applies', () => {
  const f = runtime.functions.find((x) => x.name === 'ingest-eventhub');
  expect(f?.retry).toMatchObject({ strategy: 'exponentialBackoff', maxRetryCount: -1 });
});
