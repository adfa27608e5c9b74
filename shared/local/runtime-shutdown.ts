/**
 * The order a runtime stops in. HTTP closes first, so no new work arrives. Graceful: timers stop, then
 * Event Hub listeners finish their in-flight batches and checkpoint, then the durable engine finishes
 * its work in progress, then every invocation has returned, and only then do `appTerminate` hooks run.
 * Abandon (a simulated crash): the engine and listeners stop without saving or checkpointing anything
 * more, timers are told to stop without waiting, and no hooks run. Either way the resources acquired
 * at start are released last, newest first, one failing never keeping the others from release.
 */
import type { DurableEngine } from './durable/durable-engine.js';
import type { EventHubListener } from './event-hub/event-hub-listener.js';
import type { HttpHost } from './http-host.js';
import type { Invoker } from './invoker.js';
import type { TimerHost } from './timer-host.js';
import { runAppHooks } from './worker-stand-in.js';

export interface RuntimeParts {
  http: HttpHost;
  engine: DurableEngine;
  listeners: readonly EventHubListener[];
  timerHost: TimerHost;
  invoker: Invoker;
  appHookData: Record<string, unknown>;
  /** Releases in order of acquisition (run in reverse). */
  cleanups: (() => Promise<void>)[];
  restoreSink: (() => void) | undefined;
}

export async function stopRuntime(parts: RuntimeParts, abandon: boolean): Promise<void> {
  const { http, engine, listeners, timerHost, invoker, appHookData } = parts;
  await http.close();
  if (abandon) {
    engine.abandon();
    await Promise.all(listeners.map((l) => l.stop({ abandon: true })));
    void timerHost.stop();
  } else {
    await timerHost.stop();
    await Promise.all(listeners.map((l) => l.stop()));
    await engine.stop();
    await invoker.whenIdle();
    await runAppHooks('appTerminate', appHookData);
  }
  await releaseRuntime(parts.cleanups, parts.restoreSink);
}

/** Runs the cleanups newest first, ignoring their failures, then restores the log sink. */
export async function releaseRuntime(
  cleanups: (() => Promise<void>)[],
  restoreSink: (() => void) | undefined,
): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  restoreSink?.();
}
