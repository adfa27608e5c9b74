/**
 * Timer triggers: each timer function runs on its NCRONTAB (or TimeSpan) schedule; `%Setting%`
 * schedules are resolved from app settings. Like the host with `useMonitor` (the default), the
 * schedule status `{Last, Next, LastUpdated}` is stored in `azure-webjobs-hosts`
 * (`timers/<hostId>/<function>/status`); a start that finds the stored `Next` in the past fires once
 * at once with `isPastDue: true`. `runOnStartup` fires once at start. Invocations of one timer never
 * overlap; an occurrence missed while the previous run was still going fires late with isPastDue.
 */
import type { ObjectStore } from '../delta/storage/object-store.js';
import { resolveSettingReferences, type AppSettings } from './app-settings.js';
import type { Clock } from './clock.js';
import type { IndexedFunction } from './function-index.js';
import type { Invoker } from './invoker.js';
import { nextOccurrence, parseSchedule, type Schedule } from './ncrontab.js';
import { jsonData } from './rpc-data.js';

export interface TimerStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

export interface TimerFiring {
  functionName: string;
  scheduledFor: string;
  isPastDue: boolean;
  reason: 'schedule' | 'startup' | 'pastDue' | 'manual';
  succeeded: boolean;
  error?: string;
}

export interface TimerHostOptions {
  functions: readonly IndexedFunction[];
  invoker: Invoker;
  settings: AppSettings;
  clock: Clock;
  /** The `azure-webjobs-hosts` container. */
  store: ObjectStore;
  hostId: string;
  onFired?: (firing: TimerFiring) => void;
}

export interface TimerInfo {
  name: string;
  schedule: string;
  runOnStartup: boolean;
  next: string | undefined;
}

export class TimerHost {
  readonly #options: TimerHostOptions;
  readonly #controller = new AbortController();
  readonly #timers: { fn: IndexedFunction; schedule: Schedule; next: number | undefined }[];
  #loops: Promise<void>[] = [];

  constructor(options: TimerHostOptions) {
    this.#options = options;
    this.#timers = options.functions
      .filter((fn) => fn.triggerType === 'timerTrigger')
      .map((fn) => ({
        fn,
        schedule: parseSchedule(
          resolveSettingReferences(fn.schedule ?? '', options.settings, `timer function "${fn.name}"`),
        ),
        next: undefined,
      }));
  }

  list(): TimerInfo[] {
    return this.#timers.map((t) => ({
      name: t.fn.name,
      schedule: t.schedule.text,
      runOnStartup: t.fn.runOnStartup === true,
      next: t.next === undefined ? undefined : new Date(t.next).toISOString(),
    }));
  }

  start(): void {
    this.#loops = this.#timers.map((timer) => this.#run(timer));
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await Promise.all(this.#loops);
  }

  /** Fires a timer function now (outside its schedule), like the admin endpoint does. */
  async fire(name: string): Promise<TimerFiring> {
    const timer = this.#timers.find((t) => t.fn.name.toLowerCase() === name.toLowerCase());
    if (timer === undefined) throw new Error(`no timer function "${name}"`);
    return this.#invoke(timer.fn, timer.schedule, this.#options.clock.now(), false, 'manual', undefined);
  }

  async #run(timer: { fn: IndexedFunction; schedule: Schedule; next: number | undefined }): Promise<void> {
    const { clock } = this.#options;
    const signal = this.#controller.signal;
    // Marked busy whenever not asleep, so a virtual clock waits for each run and the next schedule.
    let release = clock.busy();
    try {
      const status = await this.#readStatus(timer.fn.name);
      let last: number | undefined = status === undefined ? undefined : Date.parse(status.Last);
      const storedNext = status === undefined ? undefined : Date.parse(status.Next);
      if (timer.fn.runOnStartup === true) {
        await this.#invoke(timer.fn, timer.schedule, clock.now(), false, 'startup', status);
      } else if (storedNext !== undefined && storedNext < clock.now()) {
        await this.#invoke(timer.fn, timer.schedule, storedNext, true, 'pastDue', status);
        last = storedNext;
      }
      let cursor = clock.now();
      while (!signal.aborted) {
        const next = nextOccurrence(timer.schedule, cursor);
        timer.next = next;
        if (next === undefined) return;
        await this.#writeStatus(timer.fn.name, last, next);
        // An occurrence that passed while the previous run was still going fires at once, past due.
        const pastDue = next < clock.now();
        if (!pastDue) {
          release();
          await clock.sleepUntil(next, signal);
          release = clock.busy();
          if (signal.aborted) return;
        }
        await this.#invoke(timer.fn, timer.schedule, next, pastDue, pastDue ? 'pastDue' : 'schedule', {
          Last: new Date(last ?? next).toISOString(),
          Next: new Date(next).toISOString(),
          LastUpdated: new Date(clock.now()).toISOString(),
        });
        last = next;
        // After a catch-up the host fires once, then resumes from now.
        cursor = pastDue ? clock.now() : next;
      }
    } finally {
      release();
    }
  }

  async #invoke(
    fn: IndexedFunction,
    schedule: Schedule,
    scheduledFor: number,
    isPastDue: boolean,
    reason: TimerFiring['reason'],
    status: TimerStatus | undefined,
  ): Promise<TimerFiring> {
    const scheduleStatus = status ?? {
      Last: new Date(scheduledFor).toISOString(),
      Next: new Date(nextOccurrence(schedule, scheduledFor) ?? scheduledFor).toISOString(),
      LastUpdated: new Date(this.#options.clock.now()).toISOString(),
    };
    // The host sends the TimerInfo as PascalCase JSON; the library camel-cases timer input.
    const trigger = jsonData({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: scheduleStatus,
      IsPastDue: isPastDue,
    });
    const firing: TimerFiring = {
      functionName: fn.name,
      scheduledFor: new Date(scheduledFor).toISOString(),
      isPastDue,
      reason,
      succeeded: true,
    };
    try {
      await this.#options.invoker.invoke(fn, { trigger });
    } catch (error) {
      firing.succeeded = false;
      firing.error = error instanceof Error ? error.message : String(error);
    }
    this.#options.onFired?.(firing);
    return firing;
  }

  #statusKey(name: string): string {
    return `timers/${this.#options.hostId}/Host.Functions.${name}/status`;
  }

  async #readStatus(name: string): Promise<TimerStatus | undefined> {
    const data = await this.#options.store.get(this.#statusKey(name));
    return data === undefined ? undefined : (JSON.parse(Buffer.from(data).toString('utf8')) as TimerStatus);
  }

  async #writeStatus(name: string, last: number | undefined, next: number): Promise<void> {
    const status: TimerStatus = {
      Last: new Date(last ?? this.#options.clock.now()).toISOString(),
      Next: new Date(next).toISOString(),
      LastUpdated: new Date(this.#options.clock.now()).toISOString(),
    };
    await this.#options.store.put(this.#statusKey(name), Buffer.from(JSON.stringify(status)));
  }
}
