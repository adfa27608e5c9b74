import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { VirtualClock } from '../../../shared/local/clock.js';
import { startLocalRuntime, type LocalRuntime } from '../../../shared/local/runtime.js';
import type { TimerCall } from '../../fixtures/apps/http-timer-app.js';
import { recorder } from '../../fixtures/apps/recorder.js';

// Only types from the app module: importing it here would register before the runtime loads it.
const timerCalls = recorder<TimerCall>('timerCalls');

const entry = new URL('../../fixtures/apps/http-timer-app.ts', import.meta.url).pathname;
const keys = { functionKey: 'fn-key', masterKey: 'master-key', systemKey: 'system-key' };
const settings = { NIGHTLY_SCHEDULE: '0 0 2 * * *', FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '100000' };

describe('local runtime: HTTP and timers', () => {
  let azurite: Azurite;
  let runtime: LocalRuntime;
  const clock = new VirtualClock(Date.UTC(2026, 0, 1, 0, 0, 3));

  beforeAll(async () => {
    azurite = await startAzurite();
    runtime = await startLocalRuntime({ entry, port: 0, settings, keys, virtualClock: clock, azurite: { connectionString: azurite.connectionString } });
  });
  afterAll(async () => {
    await runtime?.stop();
    await azurite?.stop();
  });

  it('indexes exactly the functions, triggers and bindings func start would', () => {
    const listing = runtime.functions.map((f) => ({
      name: f.name,
      trigger: f.triggerType,
      route: f.route,
      methods: f.methods,
      authLevel: f.authLevel,
      schedule: f.schedule,
      runOnStartup: f.runOnStartup,
      bindings: f.bindings.map((b) => `${b.direction}:${b.type}`).sort(),
    }));
    const http = (name: string, route: string, methods: string[], authLevel: string): object => ({
      name, trigger: 'httpTrigger', route, methods, authLevel, schedule: undefined, runOnStartup: undefined, bindings: ['in:httpTrigger', 'out:http'],
    });
    const timer = (name: string, schedule: string, runOnStartup: boolean): object => ({
      name, trigger: 'timerTrigger', route: undefined, methods: undefined, authLevel: undefined, schedule, runOnStartup, bindings: ['in:timerTrigger'],
    });
    expect(listing).toEqual([
      http('adminPing', 'admin/ping', ['GET', 'POST'], 'admin'),
      http('boom', 'boom', ['GET'], 'anonymous'),
      http('echo', 'echo', ['POST', 'PUT'], 'function'),
      timer('everyTenSeconds', '*/10 * * * * *', false),
      http('hello', 'hello/{name}/{times:int?}', ['GET'], 'anonymous'),
      timer('nightly', '%NIGHTLY_SCHEDULE%', true),
    ]);
  });

  it('serves routes with parameters, query and methods', async () => {
    const ok = await fetch(`${runtime.baseUrl}/api/hello/Ada/3?x=y`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ hello: 'Ada', times: '3', x: 'y' });
    expect(await (await fetch(`${runtime.baseUrl}/api/hello/Bob`)).json()).toEqual({ hello: 'Bob', times: null, x: null });
    expect((await fetch(`${runtime.baseUrl}/api/hello/Ada/notanint`)).status).toBe(404);
    expect((await fetch(`${runtime.baseUrl}/api/hello/Ada`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${runtime.baseUrl}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${runtime.baseUrl}/api/boom`)).status).toBe(500);
  });

  it('honours auth levels with the local keys', async () => {
    const url = `${runtime.baseUrl}/api/echo`;
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(401);
    expect((await fetch(`${url}?code=wrong`, { method: 'POST', body: 'x' })).status).toBe(401);
    const withCode = await fetch(`${url}?code=fn-key`, { method: 'POST', body: 'payload' });
    expect(withCode.status).toBe(201);
    expect(withCode.headers.get('x-method')).toBe('POST');
    expect(await withCode.text()).toBe('payload');
    expect((await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-functions-key': 'master-key' } })).status).toBe(201);
    const admin = `${runtime.baseUrl}/api/admin/ping`;
    expect((await fetch(`${admin}?code=fn-key`)).status).toBe(401);
    expect(await (await fetch(`${admin}?code=master-key`)).text()).toBe('pong');
  });

  it('refuses request bodies over the host limit with 413 before any function runs, as the Functions host does', async () => {
    const url = `${runtime.baseUrl}/api/echo?code=fn-key`;
    const fits = await fetch(url, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(fits.status).toBe(201);
    expect((await fits.text()).length).toBe(100_000);
    const over = await fetch(url, { method: 'POST', body: 'x'.repeat(100_001) });
    expect(over.status).toBe(413);
    expect(await over.text()).toMatch(/larger than 100000 bytes/);
    // Streamed without a length: cut off once past the limit.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 30; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(10_000)));
        controller.close();
      },
    });
    const streamed = await fetch(url, { method: 'POST', body: chunks, duplex: 'half' });
    expect(streamed.status).toBe(413);
  });

  it('fires timers on their NCRONTAB schedule on the virtual clock, runOnStartup once, %Setting% resolved', async () => {
    expect(runtime.timers.list().find((t) => t.name === 'nightly')?.schedule).toBe('0 0 2 * * *');
    await clock.advance(0);
    const startup = timerCalls.filter((c) => c.name === 'nightly');
    expect(startup).toHaveLength(1);
    const before = timerCalls.filter((c) => c.name === 'everyTenSeconds').length;
    expect(before).toBe(0);
    await clock.advanceTo(Date.UTC(2026, 0, 1, 0, 0, 35));
    // t=3s start: fires at :10, :20, :30.
    const ticks = timerCalls.filter((c) => c.name === 'everyTenSeconds');
    expect(ticks).toHaveLength(3);
    expect(ticks.every((t) => !t.isPastDue && t.triggerMetadata === undefined)).toBe(true);
    await clock.advanceTo(Date.UTC(2026, 0, 1, 2, 0, 0));
    expect(timerCalls.filter((c) => c.name === 'nightly')).toHaveLength(2);
  });

  it('fires a timer past due after downtime (schedule status kept in azure-webjobs-hosts)', async () => {
    await runtime.stop();
    const later = new VirtualClock(Date.UTC(2026, 0, 1, 3, 0, 0));
    runtime = await startLocalRuntime({ entry, port: 0, settings, keys, virtualClock: later, azurite: { connectionString: azurite.connectionString } });
    await later.advance(0);
    const calls = timerCalls.filter((c) => c.name === 'everyTenSeconds');
    const last = calls[calls.length - 1];
    expect(last?.isPastDue).toBe(true);
  });
});
