/**
 * Timer triggers in the runtime: one TimerHost over every timer function, its schedule status in the
 * `azure-webjobs-hosts` container (created before the host exists). A failed run is logged before
 * listeners hear of it. The host is built, not started: the runtime starts it last, and only when
 * timers run on their schedule; `fire` works either way.
 */
import type { RuntimeContext } from './runtime-context.js';
import { ensured } from './runtime-storage.js';
import { TimerHost, type TimerFiring, type TimerInfo } from './timer-host.js';

export interface TimersApi {
  list(): TimerInfo[];
  fire(name: string): Promise<TimerFiring>;
  onFired(listener: (firing: TimerFiring) => void): void;
}

export interface RuntimeTimersOptions extends RuntimeContext {
  /** Host id for timer schedule status; default "local-runtime". */
  hostId: string | undefined;
}

export interface RuntimeTimers {
  host: TimerHost;
  api: TimersApi;
}

export async function createRuntimeTimers(options: RuntimeTimersOptions): Promise<RuntimeTimers> {
  const { functions, invoker, settings, clock, blobs, log } = options;
  const timerHost = new TimerHost({
    functions,
    invoker,
    settings,
    clock,
    store: await ensured(blobs('azure-webjobs-hosts')),
    hostId: options.hostId ?? 'local-runtime',
    onFired: (firing) => {
      if (!firing.succeeded) log(`[${firing.functionName}] timer run failed: ${firing.error ?? ''}`);
      for (const listener of timerListeners) listener(firing);
    },
  });
  const timerListeners: ((firing: TimerFiring) => void)[] = [];
  const api: TimersApi = {
    list: () => timerHost.list(),
    fire: (name) => timerHost.fire(name),
    onFired: (listener) => timerListeners.push(listener),
  };
  return { host: timerHost, api };
}
