import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { VirtualClock } from '../../../shared/local/clock.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../../shared/local/runtime.js';
import type { DurableControl } from '../../fixtures/apps/durable-app.js';
import { control, recorder } from '../../fixtures/apps/recorder.js';

// Only recorders here: importing the app module would register before the runtime loads it.
const activityCalls = recorder<{ name: string; input: unknown }>('durableActivityCalls');
const durableControl = control<DurableControl>('durable', { failuresLeft: {}, checks: 0, checksUntilDone: 3, variant: 'a', gate: undefined });
const entry = new URL('../../fixtures/apps/durable-app.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

describe('local runtime: durable replay', () => {
  let azurite: Azurite;
  let runtime: LocalRuntime;
  let options: LocalRuntimeOptions;

  beforeAll(async () => {
    azurite = await startAzurite();
    options = { entry, port: 0, azurite: { connectionString: azurite.connectionString }, keys: { masterKey: 'mk', functionKey: 'fk', systemKey: 'sk' } };
    runtime = await startLocalRuntime({ ...options, virtualClock: new VirtualClock(T0) });
  });
  afterAll(async () => {
    await runtime?.stop();
    await azurite?.stop();
  });

  it('runs an activity chain started through the HTTP starter and the durable client', async () => {
    const started = await fetch(`${runtime.baseUrl}/api/orchestrators/chain`, { method: 'POST' });
    expect(started.status).toBe(202);
    const links = (await started.json()) as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
    expect(links.statusQueryGetUri).toBe(`${runtime.baseUrl}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=TestHubName&connection=Storage&code=sk`);
    expect(started.headers.get('location')).toBe(links.statusQueryGetUri);
    const status = await runtime.durable.waitForCompletion(links.id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    const viaWebhook = await fetch(links.statusQueryGetUri);
    expect(viaWebhook.status).toBe(200);
    expect(await viaWebhook.json()).toMatchObject({ runtimeStatus: 'Completed', output: ['Hello Tokyo', 'Hello Seattle', 'Hello London'] });
    expect((await fetch(links.statusQueryGetUri.replace('code=sk', 'code=nope'))).status).toBe(401);
    expect(await (await fetch(`${runtime.baseUrl}/api/status/${links.id}`)).json()).toEqual({ runtimeStatus: 'Completed', output: ['Hello Tokyo', 'Hello Seattle', 'Hello London'] });
    const history = (await runtime.durable.getStatus(links.id, { showHistory: true }))?.history as { EventType: number; EventId: number }[];
    expect(history.filter((e) => e.EventType === 4).map((e) => e.EventId)).toEqual([0, 1, 2]);
  });

  it('retries an activity with exponential backoff on the orchestration clock', async () => {
    durableControl.failuresLeft.r1 = 2;
    const id = await runtime.durable.startNew('retrying', { input: 'r1' });
    const status = await runtime.durable.waitForCompletion(id);
    expect(status.runtimeStatus).toBe('Completed');
    // 1 s after the first failure, 2 s after the second.
    expect(status.output).toEqual({ result: 'ok:r1', elapsedMs: 3000 });
    expect(activityCalls.filter((c) => c.name === 'flaky' && c.input === 'r1')).toHaveLength(3);
  });

  it('surfaces retry exhaustion to the orchestrator after the last retry timer', async () => {
    durableControl.failuresLeft.r2 = 5;
    const id = await runtime.durable.startNew('retryExhausted', { input: 'r2' });
    const status = await runtime.durable.waitForCompletion(id);
    expect(status.output).toMatch(/^caught: .*flaky failure for r2/);
    expect(activityCalls.filter((c) => c.name === 'flaky' && c.input === 'r2')).toHaveLength(2);
  });

  it('runs a monitor loop with timers to success and to its deadline', async () => {
    durableControl.checks = 0;
    durableControl.checksUntilDone = 3;
    const done = await runtime.durable.waitForCompletion(await runtime.durable.startNew('monitor', { input: { deadlineMinutes: 10, pollSeconds: 60 } }));
    expect(done.output).toEqual({ outcome: 'done', polls: 3 });
    durableControl.checks = 0;
    durableControl.checksUntilDone = 1000;
    const id = await runtime.durable.startNew('monitor', { input: { deadlineMinutes: 5, pollSeconds: 60 } });
    await runtime.durable.whenIdle();
    expect((await runtime.durable.getStatus(id))?.customStatus).toEqual({ polls: 1 });
    const late = await runtime.durable.waitForCompletion(id);
    expect(late.output).toEqual({ outcome: 'deadline', polls: 5 });
  });

  it('fans out with Task.all and calls a sub-orchestration', async () => {
    const id = await runtime.durable.startNew('fanOut', { input: ['a', 'b', 'c', 'd', 'e'] });
    const status = await runtime.durable.waitForCompletion(id);
    expect(status.output).toEqual({
      greetings: ['Hello a', 'Hello b', 'Hello c', 'Hello d', 'Hello e'],
      sub: ['Hello Tokyo', 'Hello Seattle', 'Hello London'],
    });
    expect((await runtime.durable.getStatus(`${id}:5`))?.runtimeStatus).toBe('Completed');
  });

  it('races an external event against a timer (event wins, timer cancelled; or timer wins)', async () => {
    const won = await runtime.durable.startNew('approval');
    await runtime.durable.whenIdle();
    const raised = await fetch(`${runtime.baseUrl}/api/approve/${won}`, { method: 'POST', body: JSON.stringify({ by: 'ops' }) });
    expect(raised.status).toBe(202);
    expect((await runtime.durable.waitForCompletion(won)).output).toEqual({ approved: { by: 'ops' } });
    expect(await runtime.durable.raiseEvent(won, 'approve', 1)).toBe('gone');

    const timedOut = await runtime.durable.startNew('approval');
    const before = runtime.clock.now();
    expect((await runtime.durable.waitForCompletion(timedOut)).output).toEqual({ approved: false, reason: 'timeout' });
    expect(runtime.clock.now() - before).toBe(60 * 60_000);
  });

  it('continues as new until done', async () => {
    const id = await runtime.durable.startNew('counter', { input: 0 });
    const status = await runtime.durable.waitForCompletion(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('finished at 3');
    expect(status.input).toBe(3);
  });

  it('fails the instance when the orchestrator does not catch an activity failure', async () => {
    const status = await runtime.durable.waitForCompletion(await runtime.durable.startNew('failing'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('activity exploded');
  });

  it('reports a determinism violation instead of ignoring it', async () => {
    durableControl.variant = 'a';
    const status = await runtime.durable.waitForCompletion(await runtime.durable.startNew('nonDeterministic'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(/Non-deterministic workflow detected: action #0 was CallActivity\(say\) .* CallActivity\(flaky\)/);
  });

  it('terminates and purges through the client API', async () => {
    const id = await runtime.durable.startNew('approval');
    await runtime.durable.whenIdle();
    expect(await runtime.durable.terminate(id, 'no longer needed')).toBe('accepted');
    const status = await runtime.durable.getStatus(id);
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
    expect(await runtime.durable.purge(id)).toBe(1);
    expect(await runtime.durable.getStatus(id)).toBeUndefined();
  });

  it('resumes after a restart: a new runtime on the same Azurite continues the instance', async () => {
    await runtime.stop();
    const first = await startLocalRuntime(options);
    let open!: () => void;
    durableControl.gate = new Promise<void>((resolve) => (open = resolve));
    const id = await first.durable.startNew('waiter');
    await waitFor(() => activityCalls.some((c) => c.name === 'slow'));
    // Crash while the activity is running: its result is never recorded.
    await first.stop({ abandon: true });
    open();
    durableControl.gate = undefined;
    const slowCallsBefore = activityCalls.filter((c) => c.name === 'slow').length;

    const second = await startLocalRuntime(options);
    try {
      // The open activity runs again (at least once), then the instance waits for the event.
      await waitFor(async () => (await second.durable.getStatus(id))?.runtimeStatus === 'Running' && activityCalls.filter((c) => c.name === 'slow').length > slowCallsBefore);
      await second.durable.whenIdle();
      expect(await second.durable.raiseEvent(id, 'go', 'again')).toBe('accepted');
      const status = await second.durable.waitForCompletion(id);
      expect(status.output).toEqual(['slow first', 'Hello again']);
    } finally {
      await second.stop();
    }
    runtime = await startLocalRuntime(options);
    expect((await runtime.durable.getStatus(id))?.runtimeStatus).toBe('Completed');
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
