/**
 * The batch orchestration replayed by the local runtime (real durable-functions orchestrator, real
 * activities and HTTP client functions; step engines scripted): happy path, external failures,
 * deadline with remote cancel, DQ block, transient retries, duplicate start, resume after a crash.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { VirtualClock } from '../../../shared/local/clock.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../../shared/local/runtime.js';
import type { PipelineControl } from '../../fixtures/apps/pipeline-app.js';
import type { PipelineResult } from '../../../orchestrations/pipeline-types.js';
import { control, recorder } from '../../fixtures/apps/recorder.js';

const calls = recorder<{ method: string; arg: unknown }>('pipelineCalls');
const ctl = control<PipelineControl>('pipeline', {
  transientFailures: {},
  broken: [],
  pollsUntilDone: 2,
  externalResult: 'Succeeded',
  dqBlocks: false,
  gate: undefined,
});
const entry = new URL('../../fixtures/apps/pipeline-app.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 10, 25, 2, 0, 0);

function reset(over: Partial<PipelineControl> = {}): void {
  Object.assign(
    ctl,
    {
      transientFailures: {},
      broken: [],
      pollsUntilDone: 2,
      externalResult: 'Succeeded',
      dqBlocks: false,
      gate: undefined,
      gateMethod: undefined,
    },
    over,
  );
  calls.length = 0;
}
const methods = () => calls.map((c) => c.method);

describe('batch pipeline orchestration', () => {
  let azurite: Azurite;
  let runtime: LocalRuntime;
  let options: LocalRuntimeOptions;
  const settings = (load: string, transform: string) => ({
    PIPELINE_LOAD_ENGINE: load,
    PIPELINE_TRANSFORM_ENGINE: transform,
    // the settings each cloud engine requires (the engines themselves are scripted in this test)
    ADF_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
    ADF_RESOURCE_GROUP: 'rg-test',
    ADF_FACTORY_NAME: 'adf-test',
    DATABRICKS_WORKSPACE_URL: 'https://adb-1.1.azuredatabricks.net',
    DATABRICKS_JOB_ID: '42',
  });

  beforeAll(async () => {
    azurite = await startAzurite();
    options = {
      entry,
      port: 0,
      azurite: { connectionString: azurite.connectionString },
      keys: { masterKey: 'mk', functionKey: 'fk', systemKey: 'sk' },
    };
  });
  afterEach(async () => {
    await runtime?.stop();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  async function start(load = 'local', transform = 'local'): Promise<void> {
    runtime = await startLocalRuntime({
      ...options,
      virtualClock: new VirtualClock(T0),
      settings: settings(load, transform),
    });
  }
  async function post(
    date: string,
    kind = 'manual',
  ): Promise<{ status: number; body: { instanceId: string; existing?: boolean } }> {
    const r = await fetch(`${runtime.baseUrl}/api/pipeline/runs?code=fk`, {
      method: 'POST',
      body: JSON.stringify({ date, kind }),
    });
    return { status: r.status, body: (await r.json()) as { instanceId: string; existing?: boolean } };
  }
  async function result(id: string): Promise<PipelineResult> {
    const status = await runtime.durable.waitForCompletion(id, { timeoutMs: 60_000 });
    expect(status.runtimeStatus).toBe('Completed');
    return status.output as PipelineResult;
  }

  it('happy path on local engines: four steps succeed, results and versions recorded, HTTP shows them', async () => {
    reset();
    await start();
    const { status, body } = await post('2026-11-24');
    expect(status).toBe(202);
    expect(body.instanceId).toBe('batch-manual-2026-11-24');
    const r = await result(body.instanceId);
    expect(r.status).toBe('succeeded');
    expect(r.steps.map((s) => [s.step, s.status])).toEqual([
      ['load', 'succeeded'],
      ['transform', 'succeeded'],
      ['dq', 'succeeded'],
      ['publish', 'succeeded'],
    ]);
    expect(r.steps[1]?.tableVersions).toEqual({ 'gold/sales_store_hour': 3 });
    expect(methods()).toEqual(['loadLocal', 'transformLocal', 'dqGate', 'publish', 'recordRun']);
    const viaHttp = (await (
      await fetch(`${runtime.baseUrl}/api/pipeline/runs/${body.instanceId}?code=fk`)
    ).json()) as { runtimeStatus: string; result: PipelineResult; current: { step: string } };
    expect(viaHttp.runtimeStatus).toBe('Completed');
    expect(viaHttp.current.step).toBe('done');
    expect(viaHttp.result.steps).toHaveLength(4);
    const list = (await (await fetch(`${runtime.baseUrl}/api/pipeline/runs?limit=5&code=fk`)).json()) as {
      runs: { instanceId: string }[];
    };
    expect(list.runs.map((x) => x.instanceId)).toContain(body.instanceId);
    expect((await fetch(`${runtime.baseUrl}/api/pipeline/runs`)).status).toBe(401);
  });

  it('a second start for the same date reports the existing run instead of running twice', async () => {
    reset();
    await start();
    const first = await post('2026-11-23');
    await result(first.body.instanceId);
    const second = await post('2026-11-23');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ instanceId: first.body.instanceId, existing: true });
    expect(methods().filter((m) => m === 'loadLocal')).toHaveLength(1);
  });

  it('ADF success: the copy is followed, then the raw zone is loaded into Bronze', async () => {
    reset();
    await start('adf', 'local');
    const r = await result((await post('2026-11-16')).body.instanceId);
    expect(r.status).toBe('succeeded');
    expect(methods().slice(0, 4)).toEqual(['startAdfRun', 'pollExternalJob', 'pollExternalJob', 'loadRaw']);
    expect(r.steps[0]).toMatchObject({
      status: 'succeeded',
      externalRunUrl: 'https://adf.example/run',
      tableVersions: { 'bronze/stores': 2 },
    });
  });

  it('ADF failure: the error surfaces and later steps are skipped', async () => {
    reset({ externalResult: 'Failed' });
    await start('adf', 'local');
    const { body } = await post('2026-11-22');
    const r = await result(body.instanceId);
    expect(r.status).toBe('failed');
    expect(r.steps.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(r.steps[0]?.error).toMatch(/source file missing/);
    expect(r.steps[0]?.externalRunUrl).toBe('https://adf.example/run');
    expect(methods()).not.toContain('transformLocal');
  });

  it('Databricks run that never finishes: deadline reached, remote run cancelled, step failed', async () => {
    reset({ pollsUntilDone: Number.POSITIVE_INFINITY });
    await start('local', 'databricks');
    const { body } = await post('2026-11-21');
    const r = await result(body.instanceId);
    expect(r.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
    expect(r.steps[1]?.error).toMatch(/timed-out/);
    expect(methods()).toContain('cancelExternalJob');
    // polled with back-off (30 s doubling to 5 min) until the 6 h deadline: far fewer polls than 720
    const pollCount = methods().filter((m) => m === 'pollExternalJob').length;
    expect(pollCount).toBeGreaterThan(60);
    expect(pollCount).toBeLessThan(80);
  });

  it('Databricks FAILED: the transform step fails with the remote state', async () => {
    reset({ externalResult: 'Failed' });
    await start('local', 'databricks');
    const r = await result((await post('2026-11-20')).body.instanceId);
    expect(r.steps[1]).toMatchObject({ status: 'failed' });
    expect(methods()).not.toContain('cancelExternalJob');
  });

  it('a DQ failure blocks publication', async () => {
    reset({ dqBlocks: true });
    await start();
    const r = await result((await post('2026-11-19')).body.instanceId);
    expect(r.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed', 'skipped']);
    expect(methods()).not.toContain('publish');
    expect(methods().at(-1)).toBe('recordRun');
  });

  it('transient activity failures are retried with backoff', async () => {
    reset({ transientFailures: { transformLocal: 2 } });
    await start();
    const r = await result((await post('2026-11-18')).body.instanceId);
    expect(r.status).toBe('succeeded');
    expect(methods().filter((m) => m === 'transformLocal')).toHaveLength(3);
    expect(r.steps[1]?.durationMs).toBe(15_000); // 5 s then 10 s on the orchestration clock
  });

  it('a process restart mid-run resumes from history without repeating completed steps', async () => {
    let release: () => void = () => undefined;
    reset({ gate: new Promise<void>((resolve) => (release = resolve)), gateMethod: 'transformLocal' });
    await start();
    const { body } = await post('2026-11-17');
    // load completes; the transform activity is held while the process "crashes"
    await waitFor(() => methods().includes('transformLocal'));
    expect(methods()).toEqual(['loadLocal', 'transformLocal']);
    await runtime.stop({ abandon: true });
    ctl.gate = undefined;
    release();
    runtime = await startLocalRuntime({
      ...options,
      virtualClock: new VirtualClock(T0 + 60_000),
      settings: settings('local', 'local'),
    });
    const r = await result(body.instanceId);
    expect(r.status).toBe('succeeded');
    expect(methods().filter((m) => m === 'loadLocal')).toHaveLength(1);
    expect(methods().filter((m) => m === 'transformLocal')).toHaveLength(2); // the interrupted activity re-runs
    expect(methods().filter((m) => m === 'publish')).toHaveLength(1);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
